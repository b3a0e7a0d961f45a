variable "project" {
  description = "Google Cloud project ID that hosts every Kwipper resource."
  type        = string
  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{4,28}[a-z0-9]$", var.project))
    error_message = "project must be a valid project ID (6-30 lowercase letters, digits, hyphens)."
  }
}

variable "functions" {
  description = "The \"functions\" list of terraform/functions.json: name, service, trigger (http|pubsub), method (http), path, topic (pubsub), auth."
  type = list(object({
    name    = string
    service = string
    trigger = string
    method  = optional(string)
    path    = string
    topic   = optional(string)
    auth    = optional(string)
  }))
  validation {
    condition     = alltrue([for f in var.functions : can(regex("^[a-z][a-z0-9-]{0,44}[a-z0-9]$", f.name))])
    error_message = "Function names must be lowercase DNS labels of at most 46 characters (they name Cloud Run services, NEGs and backend services)."
  }
  validation {
    condition     = length(distinct([for f in var.functions : f.name])) == length(var.functions)
    error_message = "Function names must be unique."
  }
  validation {
    condition = alltrue([for f in var.functions :
      (f.trigger == "http" && f.method != null) || (f.trigger == "pubsub" && f.topic != null)
    ])
    error_message = "Every function needs trigger \"http\" with a method or trigger \"pubsub\" with a topic."
  }
  validation {
    condition     = alltrue([for f in var.functions : startswith(f.path, "/")])
    error_message = "Every function path must start with \"/\"."
  }
  validation {
    condition     = alltrue([for f in var.functions : length(regexall("\\{", f.path)) <= 5])
    error_message = "A URL map path template allows at most 5 wildcards: no path may have more than 5 {wildcards}."
  }
}

variable "topics" {
  description = "The \"topics\" list of terraform/functions.json: every topic the code publishes to."
  type        = list(string)
  validation {
    condition     = alltrue([for t in var.topics : can(regex("^[a-z][a-z0-9-]{2,200}$", t))])
    error_message = "Topic names must be lowercase letters, digits and hyphens, starting with a letter."
  }
}

variable "databases" {
  description = "The \"databases\" list of terraform/functions.json: one Spanner database per service."
  type        = list(string)
  validation {
    condition     = alltrue([for d in var.databases : can(regex("^[a-z][a-z0-9_-]{1,28}[a-z0-9]$", d))])
    error_message = "Database names must match [a-z][a-z0-9_-]*[a-z0-9] and be 3-30 characters long."
  }
}

variable "services" {
  description = "Services that get a runtime service account even before any of their functions exist in functions.json."
  type        = list(string)
  default     = ["user", "course", "content", "subscribe", "billing"]
  validation {
    condition     = alltrue([for s in var.services : can(regex("^[a-z][a-z0-9-]{1,25}$", s))])
    error_message = "Service names must be lowercase letters, digits and hyphens, at most 26 characters."
  }
}

variable "service_databases" {
  description = "Which Spanner databases each service's runtime account may use (roles/spanner.databaseUser). Databases absent from functions.json are ignored."
  type        = map(list(string))
  default = {
    user      = ["users"]
    course    = ["courses"]
    content   = ["contents"]
    subscribe = ["subscriptions"]
    billing   = ["billing"]
  }
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
  default     = ["asia-southeast2", "asia-northeast1", "asia-southeast1", "northamerica-south1"]
  validation {
    condition     = alltrue([for r in var.serving_regions : contains(["asia-southeast2", "asia-northeast1", "asia-southeast1", "northamerica-south1"], r)])
    error_message = "serving_regions may only list asia-southeast2, asia-northeast1, asia-southeast1 and northamerica-south1."
  }
}

variable "spanner_instance" {
  description = "Spanner instance ID shared by all service databases."
  type        = string
  default     = "kwipper"
  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{4,28}[a-z0-9]$", var.spanner_instance))
    error_message = "spanner_instance must be 6-30 characters: lowercase letters, digits, hyphens."
  }
}

variable "spanner_base_config" {
  description = "Google-managed multi-region Spanner configuration to build on; asia1 has its read-write replicas in Tokyo and Osaka (default leader asia-northeast1) and a witness in Seoul."
  type        = string
  default     = "asia1"
  validation {
    condition     = can(regex("^[a-z0-9-]+$", var.spanner_base_config))
    error_message = "spanner_base_config must be a configuration name such as asia1."
  }
}

variable "spanner_read_replicas" {
  description = "Regions that get an optional read-only Spanner replica (custom instance configuration) so bounded-staleness reads stay near users. Each must be an optional region of spanner_base_config; empty uses the base configuration as is."
  type        = list(string)
  default     = ["asia-southeast1", "asia-southeast2", "us-south1"]
  validation {
    condition     = alltrue([for r in var.spanner_read_replicas : can(regex("^[a-z]+-[a-z]+[0-9]+$", r))])
    error_message = "spanner_read_replicas must be region names such as asia-southeast1."
  }
}

variable "spanner_processing_units" {
  description = "Autoscaling limits for the Spanner instance in processing units (multiples of 1000); see the capacity plan in terraform/README.md."
  type = object({
    min = number
    max = number
  })
  default = { min = 2000, max = 8000 }
  validation {
    condition     = var.spanner_processing_units.min >= 1000 && var.spanner_processing_units.min % 1000 == 0 && var.spanner_processing_units.max % 1000 == 0 && var.spanner_processing_units.max >= var.spanner_processing_units.min
    error_message = "Processing units must be multiples of 1000 with 1000 <= min <= max."
  }
}

variable "pitr_window" {
  description = "Spanner point-in-time-recovery window (version_retention_period), between 1h and 7d."
  type        = string
  default     = "7d"
  validation {
    condition     = can(regex("^[0-9]+[smhd]$", var.pitr_window))
    error_message = "pitr_window must be a duration such as 7d, 72h or 86400s."
  }
}

variable "backup_schedules" {
  description = "Spanner full-backup schedules applied to every database: cron (UTC; 12h, daily, weekly or monthly) and retention in seconds (at most 366 days)."
  type = map(object({
    cron          = string
    retention_sec = number
  }))
  default = {
    daily  = { cron = "0 2 * * *", retention_sec = 2592000 }  # 30 days
    weekly = { cron = "0 3 * * 0", retention_sec = 31536000 } # 365 days
  }
  validation {
    condition     = alltrue([for s in values(var.backup_schedules) : s.retention_sec > 0 && s.retention_sec <= 31622400])
    error_message = "Backup retention must be between 1 second and 366 days."
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
