variable "project" {
  description = "Google Cloud project ID (checked by modules/inputs)."
  type        = string
}

variable "region" {
  description = "Region this stack serves."
  type        = string
  validation {
    condition     = contains(["asia-southeast2", "asia-northeast1", "asia-southeast1", "northamerica-south1"], var.region)
    error_message = "region must be one of asia-southeast2, asia-northeast1, asia-southeast1, northamerica-south1."
  }
}

variable "catalog" {
  description = "terraform/functions.json as one object (checked by modules/inputs; pass module.inputs.catalog); the attributes read here. Every function becomes a Cloud Run service and a serverless NEG."
  type = object({
    services = list(object({
      name = string
    }))
    functions = list(object({
      name    = string
      service = string
      trigger = string
    }))
  })
}

variable "image" {
  description = "Function image pinned by digest, e.g. asia-docker.pkg.dev/PROJECT/kwipper/kwipper@sha256:..."
  type        = string
  validation {
    condition     = can(regex("^[a-z0-9.-]+(/[a-zA-Z0-9._-]+)+@sha256:[0-9a-f]{64}$", var.image))
    error_message = "image must be a repository reference pinned by digest (...@sha256:<64 hex>)."
  }
}

variable "global" {
  description = "What the region needs from the global stack, as one object: its output region (terraform_remote_state), passed whole."
  type = object({
    # Runtime service account email of each service.
    service_accounts = map(string)
    # Service account Pub/Sub signs push requests as; the only invoker of
    # Pub/Sub-triggered functions.
    push_invoker_email = string
    # OIDC audience of each Pub/Sub-triggered function; set as the service's
    # custom audience.
    push_audiences = map(string)
    # Per service: environment variable => Secret Manager secret ID.
    secret_env = map(map(string))
    # Spanner instance ID (KW_SPANNER_INSTANCE).
    spanner_instance = string
    # Host name of the public API.
    api_domain = string
    # JWKS URL (KW_JWKS_URL).
    jwks_url = string
    # Token issuer (KW_TOKEN_ISSUER).
    token_issuer = string
    # Web application origin allowed by the media bucket's CORS policy for
    # browser uploads.
    web_origin = string
    # Stripe publishable key the web app's Stripe.js uses (public).
    stripe_publishable_key = string
  })
}

variable "log_level" {
  description = "KW_LOG_LEVEL of every function."
  type        = string
  validation {
    condition     = contains(["debug", "info", "warn", "error"], var.log_level)
    error_message = "log_level must be debug, info, warn or error."
  }
}

variable "cloud_run" {
  description = "Settings of every function's Cloud Run service (see \"Capacity plan\" in terraform/README.md). Set only the attributes to change."
  type = object({
    # vCPUs per instance: 1, 2 or 4.
    cpu = optional(string, "1")
    # Memory per instance, e.g. 512Mi or 1Gi.
    memory = optional(string, "512Mi")
    # Maximum concurrent requests per instance (max_instance_request_concurrency), 1-1000.
    concurrency = optional(number, 80)
    # Minimum instances per function by trigger: warm HTTP functions, scale-to-zero Pub/Sub ones.
    min_instances = optional(object({ http = number, pubsub = number }), { http = 1, pubsub = 0 })
    # Maximum instances per function, 1-1000 (the capacity plan needs about 60
    # across all functions of a large region at peak).
    max_instances = optional(number, 100)
    # Request timeout in seconds, e.g. 60s (pushes are also bounded by the 60 s
    # Pub/Sub ack deadline).
    request_timeout = optional(string, "60s")
  })
  default = {}
  validation {
    condition     = contains(["1", "2", "4"], var.cloud_run.cpu)
    error_message = "cloud_run.cpu must be 1, 2 or 4."
  }
  validation {
    condition     = can(regex("^[0-9]+(Mi|Gi)$", var.cloud_run.memory))
    error_message = "cloud_run.memory must look like 512Mi or 1Gi."
  }
  validation {
    condition     = var.cloud_run.concurrency >= 1 && var.cloud_run.concurrency <= 1000
    error_message = "cloud_run.concurrency must be between 1 and 1000."
  }
  validation {
    condition     = var.cloud_run.min_instances.http >= 0 && var.cloud_run.min_instances.pubsub >= 0
    error_message = "cloud_run.min_instances must not be negative."
  }
  validation {
    condition     = var.cloud_run.max_instances >= 1 && var.cloud_run.max_instances <= 1000
    error_message = "cloud_run.max_instances must be between 1 and 1000."
  }
  validation {
    condition     = can(regex("^[0-9]+s$", var.cloud_run.request_timeout))
    error_message = "cloud_run.request_timeout must be seconds, e.g. 60s."
  }
}

variable "media_location" {
  description = "Location of the media bucket: the multi-region code (ASIA, US, EU) of a configurable dual-region."
  type        = string
  validation {
    condition     = contains(["ASIA", "US", "EU"], var.media_location)
    error_message = "media_location must be ASIA, US or EU."
  }
}

variable "media_data_locations" {
  description = "The two regions of the media bucket's dual-region (upper case), this region first; turbo replication copies new objects to the second within 15 minutes."
  type        = list(string)
  validation {
    condition     = length(var.media_data_locations) == 2 && alltrue([for l in var.media_data_locations : can(regex("^[A-Z]+-[A-Z]+[0-9]+$", l))])
    error_message = "media_data_locations must list exactly two upper-case regions, e.g. [\"ASIA-SOUTHEAST2\", \"ASIA-SOUTHEAST1\"]."
  }
}

variable "media" {
  description = "Retention of the media bucket's objects and Cloud CDN signing of its URLs. Set only the attributes to change."
  type = object({
    # Objects under tmp/ (unfinished uploads) are deleted after this many days (at least 1).
    tmp_object_days = optional(number, 2)
    # Noncurrent (overwritten or deleted) object versions are deleted after
    # this many days (at least 1).
    noncurrent_version_days = optional(number, 30)
    # Secret Manager secret holding the Cloud CDN URL signing key (base64url of
    # 16 random bytes); the content service signs with the same value.
    cdn_key_secret = optional(string, "kw-url-signing-key")
    # How long Cloud CDN treats a response to a signed URL as fresh (seconds, not negative).
    cdn_signed_url_max_age_sec = optional(number, 86400)
  })
  default = {}
  validation {
    condition     = var.media.tmp_object_days >= 1
    error_message = "media.tmp_object_days must be at least 1."
  }
  validation {
    condition     = var.media.noncurrent_version_days >= 1
    error_message = "media.noncurrent_version_days must be at least 1."
  }
  validation {
    condition     = var.media.cdn_signed_url_max_age_sec >= 0
    error_message = "media.cdn_signed_url_max_age_sec must not be negative."
  }
}
