output "api_url" {
  description = "Base URL of the public API (global HTTPS load balancer)."
  value       = local.api_url
}

output "api_domain" {
  description = "Host name of the API; point its DNS A record at lb_ip_address."
  value       = var.api_domain
}

output "canary_url" {
  description = "The load balancer's canary route (scripts/deploy --probe-base); point its DNS A record, like api_domain's, at lb_ip_address."
  value       = "https://${local.canary_domain}"
}

output "lb_ip_address" {
  description = "Global anycast IP address of the load balancer."
  value       = google_compute_global_address.api.address
}

output "jwks_url" {
  description = "URL of the JSON Web Key Set the services verify tokens with."
  value       = "${local.api_url}/.well-known/jwks.json"
}

output "token_issuer" {
  description = "Issuer (iss) of Kwipper access tokens."
  value       = local.issuer
}

output "web_origin" {
  description = "Origin of the web application."
  value       = var.web_origin
}

output "artifact_registry_repo" {
  description = "Docker repository for the function image: push <repo>/kwipper:<tag>."
  value       = "${var.artifact_registry_location}-docker.pkg.dev/${var.project}/${google_artifact_registry_repository.images.repository_id}"
}

output "region" {
  description = "What every region stack needs from the global stack, as one object: the type of modules/region's variable global (pass it whole)."
  value = {
    service_accounts   = { for s, sa in google_service_account.runtime : s => sa.email }
    push_invoker_email = google_service_account.push_invoker.email
    push_audiences     = local.push_endpoints
    secret_env         = local.secret_env
    spanner_instance   = google_spanner_instance.kw.name
    api_domain         = var.api_domain
    jwks_url           = "${local.api_url}/.well-known/jwks.json"
    token_issuer       = local.issuer
    web_origin         = var.web_origin
    # Stripe.js's key for the web app (public).
    stripe_publishable_key = var.stripe_publishable_key
  }
}

output "runtime_service_accounts" {
  description = "Runtime service account email of each service."
  value       = { for s, sa in google_service_account.runtime : s => sa.email }
}

output "push_invoker_email" {
  description = "Service account whose OIDC token authenticates Pub/Sub pushes."
  value       = google_service_account.push_invoker.email
}

output "push_audiences" {
  description = "OIDC audience of each Pub/Sub-triggered function's push (its public push URL)."
  value       = local.push_endpoints
}

output "secret_env" {
  description = "Per service: environment variable name => Secret Manager secret ID."
  value       = local.secret_env
}

output "spanner_instance" {
  description = "Spanner instance ID."
  value       = google_spanner_instance.kw.name
}

output "spanner_config" {
  description = "Spanner instance configuration in use."
  value       = google_spanner_instance.kw.config
}

output "topics" {
  description = "Pub/Sub topics."
  value       = sort(keys(google_pubsub_topic.topic))
}

output "dead_letter_topic" {
  description = "Dead-letter topic every push subscription forwards poison messages to."
  value       = google_pubsub_topic.dead_letter.name
}
