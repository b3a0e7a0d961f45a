package content

import "testing"

func TestItemFinishStream(t *testing.T) {
	serving := Item{ReadyUploadID: "u2", StreamUploadID: "u1", StreamStatus: StreamProcessing}
	for _, tc := range []struct {
		name                       string
		it                         Item
		st                         Stream
		changed                    bool
		replaced                   string
		wantUpload, wantStatus, rs string
	}{
		{"ready_replaces_the_old_ladder", serving, Stream{UploadID: "u2", Status: StreamReady}, true, "u1", "u2", StreamReady, ""},
		{"first_ladder_ready", Item{ReadyUploadID: "u1", StreamStatus: StreamProcessing}, Stream{UploadID: "u1", Status: StreamReady}, true, "", "u1", StreamReady, ""},
		{"failed_leaves_the_mp4_only", serving, Stream{UploadID: "u2", Status: StreamFailed, Reason: "bad"}, true, "", "", StreamFailed, "bad"},
		{"ladder_of_a_replaced_upload_changes_nothing", serving, Stream{UploadID: "u0", Status: StreamReady}, false, "", "u1", StreamProcessing, ""},
		{"removed_item_changes_nothing", Item{ReadyUploadID: "u2", Removed: true}, Stream{UploadID: "u2", Status: StreamReady}, false, "", "", "", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			it := tc.it
			changed, replaced := it.finishStream(tc.st)
			if changed != tc.changed || replaced != tc.replaced || it.StreamUploadID != tc.wantUpload ||
				it.StreamStatus != tc.wantStatus || it.StreamReason != tc.rs {
				t.Errorf("changed %v replaced %q item %+v", changed, replaced, it)
			}
		})
	}
}
