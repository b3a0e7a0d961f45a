# Pass-through inputs: modules/inputs checks project, modules/global the rest.

variable "project" {
  description = "Google Cloud project ID."
  type        = string
}

variable "api_domain" {
  description = "Host name of the public API, e.g. api.kwipper.example."
  type        = string
}

variable "web_origin" {
  description = "Origin of the web application, e.g. https://app.kwipper.example."
  type        = string
}

variable "stripe_publishable_key" {
  description = "Stripe publishable key for the web app's Stripe.js, e.g. pk_live_...."
  type        = string
}

variable "serving_regions" {
  description = "Regions whose NEGs the load balancer uses; empty on the very first apply into an empty project (scripts/deploy --bootstrap)."
  type        = list(string)
  default     = ["asia-southeast2", "asia-northeast1", "asia-southeast1", "northamerica-south1"]
}
