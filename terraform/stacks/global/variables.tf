variable "project" {
  description = "Google Cloud project ID."
  type        = string
  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{4,28}[a-z0-9]$", var.project))
    error_message = "project must be a valid project ID."
  }
}

variable "api_domain" {
  description = "Host name of the public API, e.g. api.kwipper.example."
  type        = string
  validation {
    condition     = can(regex("^([a-z0-9]([a-z0-9-]*[a-z0-9])?\\.)+[a-z]{2,}$", var.api_domain))
    error_message = "api_domain must be a fully qualified host name."
  }
}

variable "web_origin" {
  description = "Origin of the web application, e.g. https://app.kwipper.example."
  type        = string
  validation {
    condition     = can(regex("^https://[a-z0-9.-]+(:[0-9]+)?$", var.web_origin))
    error_message = "web_origin must be an https origin without a trailing slash."
  }
}

variable "serving_regions" {
  description = "Regions whose NEGs the load balancer uses; empty on the very first apply into an empty project (scripts/deploy --bootstrap)."
  type        = list(string)
  default     = ["asia-southeast2", "asia-northeast1", "asia-southeast1", "northamerica-south1"]
  validation {
    condition     = alltrue([for r in var.serving_regions : contains(["asia-southeast2", "asia-northeast1", "asia-southeast1", "northamerica-south1"], r)])
    error_message = "serving_regions may only list the four Kwipper regions."
  }
}
