output "service_urls" {
  description = "Cloud Run URL of each function in this region (ingress is load-balancer only; use the API URL from outside)."
  value       = { for name, s in google_cloud_run_v2_service.fn : name => s.uri }
}

output "neg_ids" {
  description = "Serverless NEG of each function in this region."
  value       = { for name, n in google_compute_region_network_endpoint_group.fn : name => n.id }
}

output "media_bucket" {
  description = "Media bucket of this region."
  value       = google_storage_bucket.media.name
}

output "media_cdn_url_prefix" {
  description = "Public (signed) URL prefix of this region's media objects."
  value       = "https://${var.global.api_domain}/${local.media_prefix}"
}
