output "region" {
  description = "Region this stack serves."
  value       = var.region
}

output "service_urls" {
  description = "Cloud Run URL of each function in this region (reachable only through the load balancer)."
  value       = module.region.service_urls
}

output "media_bucket" {
  description = "Media bucket of this region."
  value       = module.region.media_bucket
}

output "media_cdn_url_prefix" {
  description = "Signed media URL prefix of this region."
  value       = module.region.media_cdn_url_prefix
}
