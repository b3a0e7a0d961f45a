# Region stack for Indonesia (asia-southeast2): one Cloud Run service and serverless NEG per
# function, the region's media bucket and its Cloud CDN backend bucket.
# Apply after the global stack; then re-apply the global stack so the load
# balancer routes to this region (see ../../README.md).

terraform {
  required_version = ">= 1.6"
  required_providers {
    google = {
      source  = "hashicorp/google"
      version = ">= 6.14, < 8.0"
    }
  }
  # bucket comes from: terraform init -backend-config="bucket=<state bucket>"
  backend "gcs" {
    prefix = "kwipper/asia-southeast2"
  }
}

provider "google" {
  project = var.project
  region  = "asia-southeast2"
}

locals {
  catalog = jsondecode(file("${path.module}/../../functions.json"))
  global  = data.terraform_remote_state.global.outputs
}

data "terraform_remote_state" "global" {
  backend = "gcs"
  config = {
    bucket = var.state_bucket
    prefix = "kwipper/global"
  }
}

module "region" {
  source = "../../modules/region"

  project              = var.project
  region               = "asia-southeast2"
  functions            = local.catalog.functions
  image                = var.image
  log_level            = var.log_level
  media_location       = "ASIA"
  media_data_locations = ["ASIA-SOUTHEAST2", "ASIA-SOUTHEAST1"]

  service_accounts   = local.global.runtime_service_accounts
  push_invoker_email = local.global.push_invoker_email
  push_audiences     = local.global.push_audiences
  secret_env         = local.global.secret_env
  spanner_instance   = local.global.spanner_instance
  api_domain         = local.global.api_domain
  jwks_url           = local.global.jwks_url
  token_issuer       = local.global.token_issuer
  web_origin         = local.global.web_origin
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

output "service_urls" {
  description = "Cloud Run URL of each function in asia-southeast2 (reachable only through the load balancer)."
  value       = module.region.service_urls
}

output "media_bucket" {
  description = "Media bucket of asia-southeast2."
  value       = module.region.media_bucket
}

output "media_cdn_url_prefix" {
  description = "Signed media URL prefix of asia-southeast2."
  value       = module.region.media_cdn_url_prefix
}
