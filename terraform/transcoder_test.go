package terraform_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/zclconf/go-cty/cty"

	"github.com/kwipper/kwipper/functions/contract/contentmsg"
)

// TestTranscoderWiring: the Transcoder API is enabled; the Content service
// may create jobs and nothing more; the API's service agent may publish to
// the topic content-on-transcoded consumes, and read and write the region's
// media prefix only; content runs jobs in its own region.
func TestTranscoderWiring(t *testing.T) {
	c := loadCatalog(t)
	consumed := false
	for _, f := range c.Functions {
		if f.Topic != nil && *f.Topic == contentmsg.TranscodeTopic && f.Service == "content" {
			consumed = true
		}
	}
	if !consumed || !slices.Contains(c.Topics, contentmsg.TranscodeTopic) {
		t.Fatalf("no content function consumes %s in functions.json", contentmsg.TranscodeTopic)
	}

	global := parseDir(t, "modules/global")
	api, f := block(t, global, "resource", "google_project_service", "transcoder")
	if got := exprText(f, api.Body.Attributes["service"].Expr); got != `"transcoder.googleapis.com"` {
		t.Errorf("project service %s", got)
	}
	role, f := block(t, global, "resource", "google_project_iam_custom_role", "transcoder_job_creator")
	perms, diags := role.Body.Attributes["permissions"].Expr.Value(nil)
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	var got []string
	for _, p := range perms.AsValueSlice() {
		got = append(got, p.AsString())
	}
	if want := []string{"transcoder.jobs.create", "transcoder.jobTemplates.get"}; !slices.Equal(got, want) {
		t.Errorf("job creator permissions %v, want exactly %v", got, want)
	}

	extra := map[string]cty.Value{
		"data": cty.ObjectVal(map[string]cty.Value{"google_project": cty.ObjectVal(map[string]cty.Value{
			"this": cty.ObjectVal(map[string]cty.Value{"number": cty.StringVal("123")})})}),
	}
	ctx := evalContextWith(t, global, c.vars(), extra)
	grant, f := block(t, global, "resource", "google_project_iam_member", "content_transcoder")
	if keys := forEachKeys(t, grant, ctx); !slices.Equal(keys, []string{"content"}) {
		t.Errorf("job creator granted to %v, want the content service only", keys)
	}
	if got := exprText(f, grant.Body.Attributes["role"].Expr); got != "google_project_iam_custom_role.transcoder_job_creator.name" {
		t.Errorf("content's transcoder role is %s", got)
	}
	pub, f := block(t, global, "resource", "google_pubsub_topic_iam_member", "transcoder_notifications")
	if keys := forEachKeys(t, pub, ctx); !slices.Equal(keys, []string{contentmsg.TranscodeTopic}) {
		t.Errorf("transcoder publishes to %v, want %s only", keys, contentmsg.TranscodeTopic)
	}
	if got := exprText(f, pub.Body.Attributes["role"].Expr); got != `"roles/pubsub.publisher"` {
		t.Errorf("transcoder notification role %s", got)
	}
	if got := exprText(f, pub.Body.Attributes["member"].Expr); got != "local.transcoder_agent" {
		t.Errorf("transcoder notifications granted to %s", got)
	}

	region := parseDir(t, "modules/region")
	obj, f := block(t, region, "resource", "google_storage_bucket_iam_member", "transcoder_objects")
	if got := exprText(f, obj.Body.Attributes["role"].Expr); got != `"roles/storage.objectUser"` {
		t.Errorf("transcoder bucket role %s", got)
	}
	cond := nested(obj, "condition")
	if cond == nil || !strings.Contains(exprText(f, cond.Body.Attributes["expression"].Expr), "objects/${local.media_prefix}") {
		t.Error("the transcoder's bucket grant is not limited to the region's media prefix")
	}
	if m := exprText(f, obj.Body.Attributes["member"].Expr); !strings.Contains(m, "@gcp-sa-transcoder.iam.gserviceaccount.com") {
		t.Errorf("transcoder bucket grant to %s", m)
	}
	_, f = block(t, region, "locals")
	src := string(f.src)
	for _, want := range []string{`KW_TRANSCODER          = "cloud"`, `KW_TRANSCODER_LOCATION = var.region`} {
		if !strings.Contains(src, want) {
			t.Errorf("the content service's environment lacks %s", want)
		}
	}
}
