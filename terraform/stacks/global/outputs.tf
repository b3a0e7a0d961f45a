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

output "region" {
  description = "What every region stack needs from this one, as one object (read by the region stacks, passed whole to modules/region)."
  value       = module.global.region
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
