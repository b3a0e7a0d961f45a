variable "project" {
  description = "Google Cloud project ID (checked by modules/inputs)."
  type        = string
}

variable "catalog" {
  description = "terraform/functions.json as one object (checked by modules/inputs; pass module.inputs.catalog); the attributes read here. Runtime accounts, database and topic grants all come from services."
  type = object({
    services = list(object({
      name      = string
      database  = optional(string)
      publishes = list(string)
    }))
    functions = list(object({
      name    = string
      service = string
      trigger = string
      method  = optional(string)
      path    = string
      topic   = optional(string)
    }))
    topics    = list(string)
    databases = list(string)
  })
}

variable "api_domain" {
  description = "Host name of the public API served by the global HTTPS load balancer, e.g. api.kwipper.example (a managed certificate is issued for it)."
  type        = string
  validation {
    condition     = can(regex("^([a-z0-9]([a-z0-9-]*[a-z0-9])?\\.)+[a-z]{2,}$", var.api_domain))
    error_message = "api_domain must be a fully qualified lowercase host name without scheme or path."
  }
}

variable "web_origin" {
  description = "Origin of the web application (scheme://host[:port]); allowed by bucket CORS for browser uploads and the redirect target for unknown API paths."
  type        = string
  validation {
    condition     = can(regex("^https://[a-z0-9.-]+(:[0-9]+)?$", var.web_origin))
    error_message = "web_origin must look like https://app.kwipper.example (no trailing slash)."
  }
}

variable "stripe_publishable_key" {
  description = "Stripe publishable key (pk_live_... or pk_test_...) the web app's Stripe.js uses; public by design (the secret key is secret kw-stripe-secret-key)."
  type        = string
  validation {
    condition     = can(regex("^pk_(live|test)_[A-Za-z0-9]+$", var.stripe_publishable_key))
    error_message = "stripe_publishable_key must be a Stripe publishable key, pk_live_... or pk_test_...."
  }
}

variable "token_issuer" {
  description = "Issuer (iss) of the tokens the user service signs; defaults to https://<api_domain>."
  type        = string
  default     = null
  validation {
    condition     = var.token_issuer == null || can(regex("^https://", var.token_issuer))
    error_message = "token_issuer must be an https URL."
  }
}

variable "serving_regions" {
  description = "Regions whose serverless NEGs (created by the region stacks) are attached to the global backend services. Apply a region stack before adding its region here."
  type        = list(string)
  validation {
    condition     = alltrue([for r in var.serving_regions : contains(["asia-southeast2", "asia-northeast1", "asia-southeast1", "northamerica-south1"], r)])
    error_message = "serving_regions may only list asia-southeast2, asia-northeast1, asia-southeast1 and northamerica-south1."
  }
}

variable "spanner" {
  description = "The Spanner instance shared by all service databases; see \"Leader placement\" and \"Capacity plan\" in terraform/README.md. Set only the attributes to change."
  type = object({
    # Instance ID.
    instance = optional(string, "kwipper")
    # Google-managed multi-region configuration to build on; asia1 has its
    # read-write replicas in Tokyo and Osaka (default leader asia-northeast1)
    # and a witness in Seoul.
    base_config = optional(string, "asia1")
    # Regions that get an optional read-only replica (custom instance
    # configuration) so bounded-staleness reads stay near users. Each must be
    # an optional region of base_config; empty uses base_config as is.
    read_replicas = optional(list(string), ["asia-southeast1", "asia-southeast2", "us-south1"])
    # Autoscaling limits in processing units (multiples of 1000).
    processing_units = optional(object({ min = number, max = number }), { min = 2000, max = 8000 })
    # Point-in-time-recovery window (version_retention_period), 1h to 7d.
    pitr_window = optional(string, "7d")
    # Full-backup schedules applied to every database: cron (UTC; 12h, daily,
    # weekly or monthly) and retention in seconds (at most 366 days).
    backup_schedules = optional(map(object({ cron = string, retention_sec = number })), {
      daily  = { cron = "0 2 * * *", retention_sec = 2592000 }  # 30 days
      weekly = { cron = "0 3 * * 0", retention_sec = 31536000 } # 365 days
    })
  })
  default = {}
  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{4,28}[a-z0-9]$", var.spanner.instance))
    error_message = "spanner.instance must be 6-30 characters: lowercase letters, digits, hyphens."
  }
  validation {
    condition     = can(regex("^[a-z0-9-]+$", var.spanner.base_config))
    error_message = "spanner.base_config must be a configuration name such as asia1."
  }
  validation {
    condition     = alltrue([for r in var.spanner.read_replicas : can(regex("^[a-z]+-[a-z]+[0-9]+$", r))])
    error_message = "spanner.read_replicas must be region names such as asia-southeast1."
  }
  validation {
    condition     = var.spanner.processing_units.min >= 1000 && var.spanner.processing_units.min % 1000 == 0 && var.spanner.processing_units.max % 1000 == 0 && var.spanner.processing_units.max >= var.spanner.processing_units.min
    error_message = "spanner.processing_units must be multiples of 1000 with 1000 <= min <= max."
  }
  validation {
    condition     = can(regex("^[0-9]+[smhd]$", var.spanner.pitr_window))
    error_message = "spanner.pitr_window must be a duration such as 7d, 72h or 86400s."
  }
  validation {
    condition     = alltrue([for s in values(var.spanner.backup_schedules) : s.retention_sec > 0 && s.retention_sec <= 31622400])
    error_message = "spanner.backup_schedules retention must be between 1 second and 366 days."
  }
}

variable "billing_tick_schedule" {
  description = "Cron schedule (UTC) of the Cloud Scheduler job that publishes to billing-cycle-tick."
  type        = string
  default     = "0 * * * *"
  validation {
    condition     = length(split(" ", var.billing_tick_schedule)) == 5
    error_message = "billing_tick_schedule must be a 5-field cron expression."
  }
}

variable "scheduler_region" {
  description = "Region that runs the Cloud Scheduler jobs."
  type        = string
  default     = "asia-southeast1"
  validation {
    condition     = can(regex("^[a-z]+-[a-z]+[0-9]+$", var.scheduler_region))
    error_message = "scheduler_region must be a region name."
  }
}

variable "artifact_registry_location" {
  description = "Location of the Docker repository in Artifact Registry (a multi-region such as asia, or a region)."
  type        = string
  default     = "asia"
  validation {
    condition     = can(regex("^[a-z]+(-[a-z]+[0-9]+)?$", var.artifact_registry_location))
    error_message = "artifact_registry_location must be a multi-region (asia, us, europe) or a region."
  }
}

variable "push_max_delivery_attempts" {
  description = "Deliveries of one Pub/Sub message before it goes to the dead-letter topic (5-100)."
  type        = number
  default     = 10
  validation {
    condition     = var.push_max_delivery_attempts >= 5 && var.push_max_delivery_attempts <= 100
    error_message = "push_max_delivery_attempts must be between 5 and 100."
  }
}

variable "lb_log_sample_rate" {
  description = "Fraction of load balancer requests logged (0-1)."
  type        = number
  default     = 0.1
  validation {
    condition     = var.lb_log_sample_rate >= 0 && var.lb_log_sample_rate <= 1
    error_message = "lb_log_sample_rate must be between 0 and 1."
  }
}

variable "credential_rate_limit" {
  description = "Cloud Armor rate limit (requests a minute per client IP) for each function that takes a password."
  type        = map(number)
  default = {
    "user-login"    = 60
    "user-register" = 20
  }
  validation {
    condition     = alltrue([for n in values(var.credential_rate_limit) : n >= 1 && n <= 10000])
    error_message = "credential_rate_limit values must be between 1 and 10000 requests a minute."
  }
}

variable "canary_rate_limit" {
  description = "Cloud Armor rate limit (requests a minute per client IP) on canary.<api_domain>, the route the deploy probes canary revisions through (about 6 requests per HTTP function a minute)."
  type        = number
  default     = 600
  validation {
    condition     = var.canary_rate_limit >= 60 && var.canary_rate_limit <= 10000
    error_message = "canary_rate_limit must be between 60 and 10000 requests a minute."
  }
}
