package content

import (
	"github.com/kwipper/kwipper/functions/content/stream"
)

// Streaming states of a video item's ladder (Item.StreamStatus, and each
// Stream's Status).
const (
	StreamProcessing = "processing" // a job is making the ladder
	StreamReady      = "ready"      // the ladder serves
	StreamFailed     = "failed"     // the job failed (Reason says why): the MP4 alone serves
	StreamReplaced   = "replaced"   // a newer upload's ladder serves instead (Stream only)
)

// Stream is the HLS ladder of one video upload: where its outputs go, the
// job making them and what it made.
type Stream struct {
	UploadID, CourseID, ItemID string
	// OutputPrefix is the object prefix of the outputs (stream.OutputPrefix
	// of the upload's object).
	OutputPrefix string
	// ObjectName is the upload's object: the job's input.
	ObjectName string
	JobName    string
	Status     string
	Reason     string
	// Outputs is what the job wrote, once it succeeded.
	Outputs *stream.Outputs
}

// newStream is the ladder to make for accepted video upload up.
func newStream(up Upload) Stream {
	return Stream{UploadID: up.ID, CourseID: up.CourseID, ItemID: up.ItemID, ObjectName: up.ObjectName,
		OutputPrefix: stream.OutputPrefix(up.ObjectName), Status: StreamProcessing}
}

// startStream marks the item's ladder as being made for the upload it now
// serves; the ladder that served keeps serving until the new one is ready.
func (it *Item) startStream() {
	it.StreamStatus, it.StreamReason = StreamProcessing, ""
}

// finishStream applies the outcome of st's job to the item: when st is the
// ladder of the upload the item serves, a ready ladder replaces the one that
// served; a failed one leaves the item with its MP4 only (the ladder that
// served shows an older video). It reports whether the item changed, and
// the upload whose ladder it replaced ("" for none).
func (it *Item) finishStream(st Stream) (changed bool, replaced string) {
	if it.Removed || it.ReadyUploadID != st.UploadID {
		return false, ""
	}
	switch st.Status {
	case StreamReady:
		if it.StreamUploadID != st.UploadID {
			replaced = it.StreamUploadID
		}
		it.StreamUploadID, it.StreamStatus, it.StreamReason = st.UploadID, StreamReady, ""
	case StreamFailed:
		it.StreamUploadID, it.StreamStatus, it.StreamReason = "", StreamFailed, st.Reason
	default:
		return false, ""
	}
	return true, replaced
}
