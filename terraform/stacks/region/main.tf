# Region stack: one Cloud Run service and serverless NEG per function, the
# region's media bucket and its Cloud CDN backend bucket.
#
# One configuration, applied once per region with that region's variable file
# regions/<region>.tfvars and its own remote state. State prefix convention:
# kwipper/<region> in the state bucket, e.g. kwipper/asia-southeast2. Both the
# bucket and the prefix are given at init (partial backend configuration), with
# a separate data directory per region so one region's initialized backend is
# never reused for another:
#
#   export TF_DATA_DIR=.terraform-asia-southeast2
#   terraform init -reconfigure -backend-config="bucket=<state bucket>" \
#     -backend-config="prefix=kwipper/asia-southeast2"
#   terraform apply -var-file=regions/asia-southeast2.tfvars \
#     -var project=<project> -var state_bucket=<state bucket> -var image=<image@sha256:...>
#
# scripts/deploy does exactly this. Apply after the global stack; then
# re-apply the global stack so the load balancer routes to this region (see
# ../../README.md).

terraform {
  required_version = ">= 1.6"
  required_providers {
    google = {
      source  = "hashicorp/google"
      version = ">= 6.14, < 8.0"
    }
  }
  # bucket and prefix (kwipper/<region>) come from:
  # terraform init -backend-config="bucket=<state bucket>" -backend-config="prefix=kwipper/<region>"
  backend "gcs" {}
}

provider "google" {
  project = var.project
  region  = var.region
}

locals {
  catalog = jsondecode(file("${path.module}/../../functions.json"))
}

data "terraform_remote_state" "global" {
  backend = "gcs"
  config = {
    bucket = var.state_bucket
    prefix = "kwipper/global"
  }
}

# Checks the project ID and functions.json once for both stacks.
module "inputs" {
  source = "../../modules/inputs"

  project = var.project
  catalog = local.catalog
}

module "region" {
  source = "../../modules/region"

  project              = module.inputs.project
  region               = var.region
  catalog              = module.inputs.catalog
  image                = var.image
  log_level            = var.log_level
  media_location       = var.media_location
  media_data_locations = var.media_data_locations
  global               = data.terraform_remote_state.global.outputs.region
}
