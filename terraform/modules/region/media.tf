# The region's media bucket: private, dual-region with turbo replication (RPO
# 15 min, automatic failover) and delivered through Cloud CDN signed URLs.

data "google_project" "this" {
  project_id = var.project
}

# The key value lands in this stack's state: keep the state bucket private.
data "google_secret_manager_secret_version" "cdn_key" {
  project = var.project
  secret  = var.media.cdn_key_secret
  version = "latest"
}

locals {
  media_prefix = "media/${var.region}/"
  cdn_key_name = "kw-url-signing-key"
  cdn_fill_sa  = "serviceAccount:service-${data.google_project.this.number}@cloud-cdn-fill.iam.gserviceaccount.com"
}

# Accepted LOW finding GCP-0066 (CMEK): course media is encrypted at rest
# with Google-managed keys. A customer-managed key would add a KMS key ring
# per region, grants for the Cloud Storage, Cloud CDN fill and Transcoder
# service agents, and a dependency on KMS availability on every media read,
# for no requirement we have (no regulated data in media). Revisit if one
# appears.
#trivy:ignore:GCP-0066
resource "google_storage_bucket" "media" {
  project                     = var.project
  name                        = "${var.project}-kw-media-${var.region}"
  location                    = var.media_location
  storage_class               = "STANDARD"
  rpo                         = "ASYNC_TURBO"
  uniform_bucket_level_access = true
  public_access_prevention    = "enforced"
  force_destroy               = false

  custom_placement_config {
    data_locations = var.media_data_locations
  }

  versioning {
    enabled = true
  }

  soft_delete_policy {
    retention_duration_seconds = 604800
  }

  # Browsers upload straight to signed upload URLs from the web origin.
  cors {
    origin = [var.global.web_origin]
    method = ["PUT", "POST"]
    response_header = ["Content-Type", "Content-MD5", "Content-Disposition", "Content-Range", "Range", "Location",
    "x-goog-resumable", "x-goog-content-sha256", "x-goog-if-generation-match", "x-goog-content-length-range", "x-goog-hash"]
    max_age_seconds = 3600
  }

  lifecycle_rule {
    condition {
      age = 1
    }
    action {
      type = "AbortIncompleteMultipartUpload"
    }
  }

  lifecycle_rule {
    condition {
      age            = var.media.tmp_object_days
      matches_prefix = ["tmp/"]
    }
    action {
      type = "Delete"
    }
  }

  lifecycle_rule {
    condition {
      days_since_noncurrent_time = var.media.noncurrent_version_days
      with_state                 = "ARCHIVED"
    }
    action {
      type = "Delete"
    }
  }

  lifecycle_rule {
    condition {
      num_newer_versions = 3
      with_state         = "ARCHIVED"
    }
    action {
      type = "Delete"
    }
  }
}

# Transcoder API jobs run as the API's service agent: it reads uploads and
# writes their ladders (<upload>.hls/) under the region's prefix, nowhere
# else in the bucket (objectUser: a resubmitted job overwrites its outputs).
resource "google_storage_bucket_iam_member" "transcoder_objects" {
  bucket = google_storage_bucket.media.name
  role   = "roles/storage.objectUser"
  member = "serviceAccount:service-${data.google_project.this.number}@gcp-sa-transcoder.iam.gserviceaccount.com"

  condition {
    title       = "kw-media-prefix"
    description = "Only the region's media objects"
    expression  = "resource.name.startsWith(\"projects/_/buckets/${google_storage_bucket.media.name}/objects/${local.media_prefix}\")"
  }
}

resource "google_storage_bucket_iam_member" "content_objects" {
  for_each = contains(local.services, "content") ? toset(["content"]) : toset([])
  bucket   = google_storage_bucket.media.name
  role     = "roles/storage.objectUser"
  member   = "serviceAccount:${var.global.service_accounts[each.key]}"
}

# Named kw-media-<region>: the global URL map routes /media/<region>/ here.
resource "google_compute_backend_bucket" "media" {
  project          = var.project
  name             = "kw-media-${var.region}"
  description      = "Cloud CDN in front of ${google_storage_bucket.media.name}"
  bucket_name      = google_storage_bucket.media.name
  enable_cdn       = true
  compression_mode = "DISABLED"

  cdn_policy {
    cache_mode                   = "CACHE_ALL_STATIC"
    signed_url_cache_max_age_sec = var.media.cdn_signed_url_max_age_sec
    default_ttl                  = 3600
    max_ttl                      = 86400
    client_ttl                   = 3600
    serve_while_stale            = 86400
    request_coalescing           = true
  }
}

resource "google_compute_backend_bucket_signed_url_key" "media" {
  project        = var.project
  name           = local.cdn_key_name
  backend_bucket = google_compute_backend_bucket.media.name
  key_value      = data.google_secret_manager_secret_version.cdn_key.secret_data
}

# Cloud CDN fills its cache from the private bucket as its own service agent,
# which exists once a signed URL key has been added.
resource "google_storage_bucket_iam_member" "cdn_fill" {
  bucket     = google_storage_bucket.media.name
  role       = "roles/storage.objectViewer"
  member     = local.cdn_fill_sa
  depends_on = [google_compute_backend_bucket_signed_url_key.media]
}

# Finalized uploads under the region's prefix notify the Content service
# (content-on-object-finalized consumes media-object-events; the global stack
# creates that topic from functions.json). Cloud Storage publishes as its
# service agent.
data "google_storage_project_service_account" "gcs" {
  project = var.project
}

resource "google_pubsub_topic_iam_member" "media_notifications" {
  project = var.project
  topic   = "projects/${var.project}/topics/media-object-events"
  role    = "roles/pubsub.publisher"
  member  = "serviceAccount:${data.google_storage_project_service_account.gcs.email_address}"
}

resource "google_storage_notification" "media_finalize" {
  bucket             = google_storage_bucket.media.name
  payload_format     = "JSON_API_V1"
  topic              = "projects/${var.project}/topics/media-object-events"
  event_types        = ["OBJECT_FINALIZE"]
  object_name_prefix = local.media_prefix
  depends_on         = [google_pubsub_topic_iam_member.media_notifications]
}
