# Global resources of Kwipper: identities, secrets, Spanner, Pub/Sub, Artifact
# Registry, Cloud Scheduler and the global external HTTPS load balancer.

data "google_project" "this" {
  project_id = var.project
}

locals {
  fns        = { for f in var.catalog.functions : f.name => f }
  http_fns   = { for f in var.catalog.functions : f.name => f if f.trigger == "http" }
  pubsub_fns = { for f in var.catalog.functions : f.name => f if f.trigger == "pubsub" }
  # Services come from the catalog (terraform/functions.json), never from a
  # list written here: a service added in Go gets its account and grants on
  # the next apply.
  services    = sort([for s in var.catalog.services : s.name])
  api_url     = "https://${var.api_domain}"
  issuer      = var.token_issuer != null ? var.token_issuer : local.api_url
  pubsub_sa   = "serviceAccount:service-${data.google_project.this.number}@gcp-sa-pubsub.iam.gserviceaccount.com"
  runtime_sas = { for s in local.services : s => "serviceAccount:${google_service_account.runtime[s].email}" }

  # Secrets hold values added out of band (gcloud secrets versions add); each
  # is readable by one service only and reaches it as the env var named here.
  secrets = {
    "kw-token-signing-key"     = { service = "user", env = "KW_TOKEN_SIGNING_KEY" }
    "kw-url-signing-key"       = { service = "content", env = "KW_URL_SIGNING_KEY" }
    "kw-gcs-signing-key"       = { service = "content", env = "KW_GCS_SIGNING_KEY" }
    "kw-stripe-secret-key"     = { service = "billing", env = "KW_STRIPE_SECRET_KEY" }
    "kw-stripe-webhook-secret" = { service = "billing", env = "KW_STRIPE_WEBHOOK_SECRET" }
    "kw-mail-api-key"          = { service = "user", env = "KW_MAIL_API_KEY" }
  }
  secret_env = { for s in local.services : s => { for id, v in local.secrets : v.env => id if v.service == s } }
}

# One runtime identity per service, and one identity Pub/Sub uses to sign the
# OIDC tokens of push deliveries.
resource "google_service_account" "runtime" {
  for_each     = toset(local.services)
  project      = var.project
  account_id   = "run-${substr(each.key, 0, 26)}"
  display_name = "Kwipper ${each.key} service runtime"
}

resource "google_service_account" "push_invoker" {
  project      = var.project
  account_id   = "kw-push-invoker"
  display_name = "Kwipper Pub/Sub push invoker"
}

# Telemetry only; data access is granted per database, topic, secret and bucket.
resource "google_project_iam_member" "runtime_telemetry" {
  for_each = { for p in setproduct(local.services, ["roles/telemetry.tracesWriter", "roles/monitoring.metricWriter", "roles/logging.logWriter"]) : "${p[0]}/${p[1]}" => p }
  project  = var.project
  role     = each.value[1]
  member   = local.runtime_sas[each.value[0]]
}

# Pub/Sub mints OIDC tokens as the push invoker.
resource "google_service_account_iam_member" "pubsub_token_creator" {
  service_account_id = google_service_account.push_invoker.name
  role               = "roles/iam.serviceAccountTokenCreator"
  member             = local.pubsub_sa
}

resource "google_secret_manager_secret" "secret" {
  for_each  = local.secrets
  project   = var.project
  secret_id = each.key
  replication {
    auto {}
  }
}

resource "google_secret_manager_secret_iam_member" "accessor" {
  for_each  = { for id, v in local.secrets : id => v if contains(local.services, v.service) }
  project   = var.project
  secret_id = google_secret_manager_secret.secret[each.key].secret_id
  role      = "roles/secretmanager.secretAccessor"
  member    = local.runtime_sas[each.value.service]
}

resource "google_artifact_registry_repository" "images" {
  project       = var.project
  location      = var.artifact_registry_location
  repository_id = "kwipper"
  format        = "DOCKER"
  description   = "Kwipper function images (one image, FUNCTION_TARGET picks the function)."
  cleanup_policies {
    id     = "delete-old-untagged"
    action = "DELETE"
    condition {
      tag_state  = "UNTAGGED"
      older_than = "2592000s"
    }
  }
}
