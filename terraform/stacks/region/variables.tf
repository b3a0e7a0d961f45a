variable "region" {
  description = "Region this stack serves (set by regions/<region>.tfvars); its state lives under the prefix kwipper/<region>."
  type        = string
  validation {
    condition     = contains(["asia-southeast2", "asia-northeast1", "asia-southeast1", "northamerica-south1"], var.region)
    error_message = "region must be one of asia-southeast2, asia-northeast1, asia-southeast1, northamerica-south1."
  }
}

variable "media_location" {
  description = "Location of the region's media bucket: the multi-region code (ASIA, US, EU) of its configurable dual-region (set by regions/<region>.tfvars)."
  type        = string
  validation {
    condition     = contains(["ASIA", "US", "EU"], var.media_location)
    error_message = "media_location must be ASIA, US or EU."
  }
}

variable "media_data_locations" {
  description = "The two regions of the media bucket's dual-region, upper case, this region first (set by regions/<region>.tfvars)."
  type        = list(string)
  validation {
    condition     = length(var.media_data_locations) == 2 && alltrue([for l in var.media_data_locations : can(regex("^[A-Z]+-[A-Z]+[0-9]+$", l))])
    error_message = "media_data_locations must list exactly two upper-case regions, e.g. [\"ASIA-SOUTHEAST2\", \"ASIA-SOUTHEAST1\"]."
  }
}

variable "project" {
  description = "Google Cloud project ID."
  type        = string
  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{4,28}[a-z0-9]$", var.project))
    error_message = "project must be a valid project ID."
  }
}

variable "state_bucket" {
  description = "Cloud Storage bucket holding the Terraform state of every stack (the global stack's outputs are read from it)."
  type        = string
  validation {
    condition     = can(regex("^[a-z0-9][a-z0-9._-]{1,220}[a-z0-9]$", var.state_bucket))
    error_message = "state_bucket must be a bucket name (no gs:// prefix)."
  }
}

variable "image" {
  description = "Function image pinned by digest (…/kwipper@sha256:…), built by Cloud Build."
  type        = string
  validation {
    condition     = can(regex("@sha256:[0-9a-f]{64}$", var.image))
    error_message = "image must be pinned by digest."
  }
}

variable "log_level" {
  description = "KW_LOG_LEVEL of the functions in this region."
  type        = string
  default     = "info"
  validation {
    condition     = contains(["debug", "info", "warn", "error"], var.log_level)
    error_message = "log_level must be debug, info, warn or error."
  }
}
