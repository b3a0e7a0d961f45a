# Pass-through inputs: modules/inputs checks project, modules/region the rest;
# only state_bucket, which this stack alone uses, is checked here.

variable "region" {
  description = "Region this stack serves (set by regions/<region>.tfvars); its state lives under the prefix kwipper/<region>."
  type        = string
}

variable "media_location" {
  description = "Multi-region code (ASIA, US, EU) of the media bucket's dual-region (set by regions/<region>.tfvars)."
  type        = string
}

variable "media_data_locations" {
  description = "The two upper-case regions of the media bucket's dual-region, this region first (set by regions/<region>.tfvars)."
  type        = list(string)
}

variable "project" {
  description = "Google Cloud project ID."
  type        = string
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
}

variable "log_level" {
  description = "KW_LOG_LEVEL of the functions in this region: debug, info, warn or error."
  type        = string
  default     = "info"
}
