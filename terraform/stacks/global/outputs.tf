output "api_url" {
  description = "Base URL of the public API."
  value       = module.global.api_url
}

output "api_domain" {
  description = "API host name (DNS A record -> lb_ip_address)."
  value       = module.global.api_domain
}

output "canary_url" {
  description = "The load balancer's canary route for the deploy's synthetic requests (scripts/deploy --probe-base; DNS A record -> lb_ip_address)."
  value       = module.global.canary_url
}

output "lb_ip_address" {
  description = "Load balancer IP address for the API DNS record."
  value       = module.global.lb_ip_address
}

output "jwks_url" {
  description = "JWKS URL."
  value       = module.global.jwks_url
}

output "token_issuer" {
  description = "Token issuer."
  value       = module.global.token_issuer
}

output "web_origin" {
  description = "Web application origin."
  value       = module.global.web_origin
}

output "artifact_registry_repo" {
  description = "Docker repository for the function image."
  value       = module.global.artifact_registry_repo
}

output "runtime_service_accounts" {
  description = "Runtime service account per service (read by the region stacks)."
  value       = module.global.runtime_service_accounts
}

output "push_invoker_email" {
  description = "Pub/Sub push invoker service account (read by the region stacks)."
  value       = module.global.push_invoker_email
}

output "push_audiences" {
  description = "OIDC audience per Pub/Sub-triggered function (read by the region stacks)."
  value       = module.global.push_audiences
}

output "secret_env" {
  description = "Secret env vars per service (read by the region stacks)."
  value       = module.global.secret_env
}

output "spanner_instance" {
  description = "Spanner instance ID."
  value       = module.global.spanner_instance
}

output "spanner_config" {
  description = "Spanner instance configuration."
  value       = module.global.spanner_config
}

output "topics" {
  description = "Pub/Sub topics."
  value       = module.global.topics
}

output "dead_letter_topic" {
  description = "Dead-letter topic."
  value       = module.global.dead_letter_topic
}
