# Adaptive streaming: the Content service submits a Transcoder API job per
# accepted video (functions/content/stream); the job reads the upload and
# writes the HLS ladder in the region's media bucket (the region stack grants
# that, on the region's prefix only) and announces its outcome on
# transcoder-events, which content-on-transcoded consumes (the topic and its
# push subscription come from functions.json like every other).

resource "google_project_service" "transcoder" {
  project            = var.project
  service            = "transcoder.googleapis.com"
  disable_on_destroy = false
}

locals {
  # The Transcoder API runs jobs as its service agent, which exists once the
  # API is enabled.
  transcoder_agent = "serviceAccount:service-${data.google_project.this.number}@gcp-sa-transcoder.iam.gserviceaccount.com"
  transcode_topic  = "transcoder-events"
}

# The Content service creates jobs, and nothing else: not
# roles/transcoder.editor, which also creates and deletes templates and
# deletes jobs. Jobs name their templates (kw-hls-sd, kw-hls-hd), which it
# reads.
resource "google_project_iam_custom_role" "transcoder_job_creator" {
  project     = var.project
  role_id     = "kwTranscoderJobCreator"
  title       = "Kwipper transcoding job creator"
  description = "Create Transcoder API jobs from Kwipper's job templates (the Content service)."
  permissions = ["transcoder.jobs.create", "transcoder.jobTemplates.get"]
  depends_on  = [google_project_service.transcoder]
}

resource "google_project_iam_member" "content_transcoder" {
  for_each = contains(local.services, "content") ? toset(["content"]) : toset([])
  project  = var.project
  role     = google_project_iam_custom_role.transcoder_job_creator.name
  member   = local.runtime_sas[each.key]
}

# Job notifications: the service agent may publish to transcoder-events only.
resource "google_pubsub_topic_iam_member" "transcoder_notifications" {
  for_each   = contains(local.topics, local.transcode_topic) ? toset([local.transcode_topic]) : toset([])
  project    = var.project
  topic      = google_pubsub_topic.topic[each.key].name
  role       = "roles/pubsub.publisher"
  member     = local.transcoder_agent
  depends_on = [google_project_service.transcoder]
}
