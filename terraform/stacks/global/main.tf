# Global stack: apply first (identities, secrets, Spanner, Pub/Sub, registry),
# then every region stack, then this stack again so the load balancer attaches
# the regions' serverless NEGs (see ../../README.md and scripts/deploy).

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
    prefix = "kwipper/global"
  }
}

provider "google" {
  project = var.project
}

locals {
  catalog = jsondecode(file("${path.module}/../../functions.json"))
}

# Checks the project ID and functions.json once for both stacks.
module "inputs" {
  source = "../../modules/inputs"

  project = var.project
  catalog = local.catalog
}

module "global" {
  source = "../../modules/global"

  project         = module.inputs.project
  catalog         = module.inputs.catalog
  api_domain      = var.api_domain
  web_origin      = var.web_origin
  serving_regions = var.serving_regions

  stripe_publishable_key = var.stripe_publishable_key
}
