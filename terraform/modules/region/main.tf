# One Cloud Run service and one serverless NEG per function of
# terraform/functions.json, all running the same image with FUNCTION_TARGET set.

locals {
  fns      = { for f in var.catalog.functions : f.name => f }
  services = [for s in var.catalog.services : s.name]

  common_env = {
    KW_ENV              = "cloud"
    KW_PROJECT          = var.project
    KW_SPANNER_INSTANCE = var.global.spanner_instance
    KW_JWKS_URL         = var.global.jwks_url
    KW_TOKEN_ISSUER     = var.global.token_issuer
    KW_REGION           = var.region
    KW_MEDIA_BUCKET     = google_storage_bucket.media.name
    KW_LOG_LEVEL        = var.log_level
    # Push endpoints check Pub/Sub's OIDC token: signed as the push invoker,
    # for audience KW_BASE_URL + the push path (the global stack's
    # push_audiences).
    KW_BASE_URL     = "https://${var.global.api_domain}"
    KW_PUSH_INVOKER = var.global.push_invoker_email
    # Email (verification, password reset; the User service) goes through
    # SendGrid with the key in secret kw-mail-api-key; its links open the
    # web app.
    KW_MAIL_FROM = "Kwipper <no-reply@${var.global.api_domain}>"
    KW_WEB_URL   = var.global.web_origin
    # The web app's card form (Stripe.js) needs Stripe's publishable key;
    # it is public (the page carries it), so every service may have it.
    KW_STRIPE_PUBLISHABLE_KEY = var.global.stripe_publishable_key
    # OpenTelemetry spans go to Cloud Trace through the Telemetry API (OTLP).
    KW_OTLP_ENDPOINT = "telemetry.googleapis.com:443"
  }
  # The content service also builds Cloud CDN signed URLs:
  # https://<api>/<object> for objects under media/<region>/.
  service_env = {
    content = {
      KW_MEDIA_CDN_BASE_URL   = "https://${var.global.api_domain}"
      KW_MEDIA_OBJECT_PREFIX  = local.media_prefix
      KW_URL_SIGNING_KEY_NAME = local.cdn_key_name
      # Videos are transcoded by the Transcoder API in this region (jobs
      # notify projects/<project>/topics/transcoder-events); players fetch
      # the ladders from the CDN with a signed cookie (the same key).
      KW_TRANSCODER          = "cloud"
      KW_TRANSCODER_LOCATION = var.region
      # The V4 key (secret kw-gcs-signing-key) is a key of this account.
      KW_GCS_SIGNER_EMAIL = lookup(var.global.service_accounts, "content", "")
    }
  }
}

resource "google_cloud_run_v2_service" "fn" {
  for_each            = local.fns
  project             = var.project
  location            = var.region
  name                = "kw-${each.key}"
  description         = "${each.value.trigger} function ${each.key} of service ${each.value.service}"
  ingress             = "INGRESS_TRAFFIC_INTERNAL_LOAD_BALANCER"
  deletion_protection = false
  custom_audiences    = each.value.trigger == "pubsub" ? [var.global.push_audiences[each.key]] : null
  labels = {
    kw-service = each.value.service
    kw-trigger = each.value.trigger
  }

  template {
    service_account                  = var.global.service_accounts[each.value.service]
    max_instance_request_concurrency = var.cloud_run.concurrency
    timeout                          = var.cloud_run.request_timeout

    scaling {
      min_instance_count = each.value.trigger == "http" ? var.cloud_run.min_instances.http : var.cloud_run.min_instances.pubsub
      max_instance_count = var.cloud_run.max_instances
    }

    containers {
      image = var.image

      resources {
        limits = {
          cpu    = var.cloud_run.cpu
          memory = var.cloud_run.memory
        }
        cpu_idle          = true
        startup_cpu_boost = true
      }

      env {
        name  = "FUNCTION_TARGET"
        value = each.key
      }

      dynamic "env" {
        for_each = merge(local.common_env, lookup(local.service_env, each.value.service, {}))
        content {
          name  = env.key
          value = env.value
        }
      }

      dynamic "env" {
        for_each = lookup(var.global.secret_env, each.value.service, {})
        content {
          name = env.key
          value_source {
            secret_key_ref {
              secret  = env.value
              version = "latest"
            }
          }
        }
      }
    }
  }

  # The canary rollout (scripts/deploy, functions/ops/rollout) owns traffic:
  # it pins 100 % on the stable revision by name before an apply, so the
  # revision an apply creates gets no traffic, then tags it "canary" and
  # shifts 5 -> 25 -> 50 -> 100 % with gcloud run services update-traffic (or
  # back on rollback). Terraform never sets traffic (no traffic block: a new
  # service starts with 100 % on its latest revision) and ignores it, so an
  # apply neither undoes a step nor sends traffic to a revision the gate has
  # not passed. gcloud also records itself as the service's client.
  lifecycle {
    ignore_changes = [traffic, client, client_version]
  }
}

# HTTP functions authenticate users themselves (JWT), so anyone may invoke them
# through the load balancer; Pub/Sub-triggered ones accept only the push invoker.
resource "google_cloud_run_v2_service_iam_member" "invoker" {
  for_each = local.fns
  project  = var.project
  location = var.region
  name     = google_cloud_run_v2_service.fn[each.key].name
  role     = "roles/run.invoker"
  member   = each.value.trigger == "http" ? "allUsers" : "serviceAccount:${var.global.push_invoker_email}"
}

# Named kw-<function> in every region: the global backend services build these
# self links from the name.
resource "google_compute_region_network_endpoint_group" "fn" {
  for_each              = local.fns
  project               = var.project
  region                = var.region
  name                  = "kw-${each.key}"
  network_endpoint_type = "SERVERLESS"
  cloud_run {
    service = google_cloud_run_v2_service.fn[each.key].name
  }
}

# The canary route of the load balancer (terraform/modules/global/lb.tf):
# canary.<api domain>/kw-<function>/... reaches the revision of kw-<function>
# tagged "canary" in this region. The mask takes the tag from the host and
# the service from the first path segment, which the function strips
# (functions/cmd/kwipper). Nothing is tagged canary between deploys: the
# route then answers 404.
resource "google_compute_region_network_endpoint_group" "canary" {
  project               = var.project
  region                = var.region
  name                  = "kw-canary"
  network_endpoint_type = "SERVERLESS"
  cloud_run {
    url_mask = "<tag>.${var.global.api_domain}/<service>"
  }
}
