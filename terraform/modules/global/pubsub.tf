# Topics, push subscriptions (one per Pub/Sub-triggered function, global, so each
# message is handled once whichever region serves it), the dead-letter topic and
# the Cloud Scheduler ticks.

locals {
  # Cloud Scheduler publishes these; the runtime accounts never do.
  tick_jobs = {
    "billing-cycle-tick" = var.billing_tick_schedule
    "outbox-relay-tick"  = "* * * * *"
  }
  # Every topic the code publishes to or subscribes to, plus the ticks.
  topics = sort(distinct(concat(var.catalog.topics, [for f in var.catalog.functions : f.topic if f.trigger == "pubsub"], keys(local.tick_jobs))))
  # Least privilege: each service may publish only to the topics its catalog
  # entry lists ("service/topic" keys, as before the catalog had services).
  service_publishes = merge([for s in var.catalog.services : {
    for t in s.publishes : "${s.name}/${t}" => { service = s.name, topic = t }
  }]...)
  dead_letter_topic = "kw-dead-letter"
  push_endpoints    = { for name, f in local.pubsub_fns : name => "${local.api_url}${f.path}" }
}

resource "google_pubsub_topic" "topic" {
  for_each                   = toset(local.topics)
  project                    = var.project
  name                       = each.key
  message_retention_duration = "86400s"
}

resource "google_pubsub_topic" "dead_letter" {
  project                    = var.project
  name                       = local.dead_letter_topic
  message_retention_duration = "604800s"
}

# Messages on a topic without subscriptions are lost: operators pull (and
# replay) dead letters from here.
resource "google_pubsub_subscription" "dead_letter" {
  project                    = var.project
  name                       = "${local.dead_letter_topic}-inspect"
  topic                      = google_pubsub_topic.dead_letter.id
  ack_deadline_seconds       = 60
  message_retention_duration = "604800s"
  retain_acked_messages      = true
  expiration_policy {
    ttl = ""
  }
}

resource "google_pubsub_subscription" "push" {
  for_each                   = local.pubsub_fns
  project                    = var.project
  name                       = "kw-${each.key}"
  topic                      = google_pubsub_topic.topic[each.value.topic].id
  ack_deadline_seconds       = 60
  message_retention_duration = "604800s"
  expiration_policy {
    ttl = ""
  }

  push_config {
    push_endpoint = local.push_endpoints[each.key]
    oidc_token {
      service_account_email = google_service_account.push_invoker.email
      audience              = local.push_endpoints[each.key]
    }
  }

  retry_policy {
    minimum_backoff = "10s"
    maximum_backoff = "600s"
  }

  dead_letter_policy {
    dead_letter_topic     = google_pubsub_topic.dead_letter.id
    max_delivery_attempts = var.push_max_delivery_attempts
  }

  depends_on = [google_pubsub_topic_iam_member.dead_letter_publisher]
}

# The Pub/Sub service agent forwards undeliverable messages: it publishes to the
# dead-letter topic and acknowledges on the source subscription.
resource "google_pubsub_topic_iam_member" "dead_letter_publisher" {
  project = var.project
  topic   = google_pubsub_topic.dead_letter.name
  role    = "roles/pubsub.publisher"
  member  = local.pubsub_sa
}

resource "google_pubsub_subscription_iam_member" "dead_letter_subscriber" {
  for_each     = local.pubsub_fns
  project      = var.project
  subscription = google_pubsub_subscription.push[each.key].name
  role         = "roles/pubsub.subscriber"
  member       = local.pubsub_sa
}

# Services publish their outbox events, commands and replies: a topic-level
# grant per topic in the service's "publishes" list, no project-wide role.
resource "google_pubsub_topic_iam_member" "runtime_publisher" {
  for_each = local.service_publishes
  project  = var.project
  topic    = google_pubsub_topic.topic[each.value.topic].name
  role     = "roles/pubsub.publisher"
  member   = local.runtime_sas[each.value.service]
}

resource "google_cloud_scheduler_job" "tick" {
  for_each    = local.tick_jobs
  project     = var.project
  region      = var.scheduler_region
  name        = "kw-${each.key}"
  description = "Publishes a tick to ${each.key}; handlers use the message publish time as \"now\"."
  schedule    = each.value
  time_zone   = "Etc/UTC"

  pubsub_target {
    topic_name = google_pubsub_topic.topic[each.key].id
    data       = base64encode(jsonencode({ tick = each.key }))
  }
}
