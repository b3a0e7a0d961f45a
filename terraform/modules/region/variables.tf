variable "project" {
  description = "Google Cloud project ID."
  type        = string
  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{4,28}[a-z0-9]$", var.project))
    error_message = "project must be a valid project ID."
  }
}

variable "region" {
  description = "Region this stack serves."
  type        = string
  validation {
    condition     = contains(["asia-southeast2", "asia-northeast1", "asia-southeast1", "northamerica-south1"], var.region)
    error_message = "region must be one of asia-southeast2, asia-northeast1, asia-southeast1, northamerica-south1."
  }
}

variable "functions" {
  description = "The \"functions\" list of terraform/functions.json; every entry becomes a Cloud Run service and a serverless NEG here."
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
    condition     = alltrue([for f in var.functions : contains(["http", "pubsub"], f.trigger)])
    error_message = "Every function trigger must be \"http\" or \"pubsub\"."
  }
  validation {
    condition     = alltrue([for f in var.functions : can(regex("^[a-z][a-z0-9-]{0,44}[a-z0-9]$", f.name))])
    error_message = "Function names must be lowercase DNS labels of at most 46 characters."
  }
}

variable "image" {
  description = "Function image pinned by digest, e.g. asia-docker.pkg.dev/PROJECT/kwipper/kwipper@sha256:..."
  type        = string
  validation {
    condition     = can(regex("^[a-z0-9.-]+(/[a-zA-Z0-9._-]+)+@sha256:[0-9a-f]{64}$", var.image))
    error_message = "image must be a repository reference pinned by digest (...@sha256:<64 hex>)."
  }
}

variable "service_accounts" {
  description = "Runtime service account email of each service (global stack output runtime_service_accounts)."
  type        = map(string)
}

variable "push_invoker_email" {
  description = "Service account Pub/Sub signs push requests as; the only invoker of Pub/Sub-triggered functions."
  type        = string
}

variable "push_audiences" {
  description = "OIDC audience of each Pub/Sub-triggered function (global stack output push_audiences); set as the service's custom audience."
  type        = map(string)
}

variable "secret_env" {
  description = "Per service: environment variable => Secret Manager secret ID (global stack output secret_env)."
  type        = map(map(string))
}

variable "spanner_instance" {
  description = "Spanner instance ID (KW_SPANNER_INSTANCE)."
  type        = string
}

variable "api_domain" {
  description = "Host name of the public API."
  type        = string
}

variable "jwks_url" {
  description = "JWKS URL (KW_JWKS_URL)."
  type        = string
}

variable "token_issuer" {
  description = "Token issuer (KW_TOKEN_ISSUER)."
  type        = string
}

variable "web_origin" {
  description = "Web application origin allowed by the media bucket's CORS policy for browser uploads."
  type        = string
}

variable "log_level" {
  description = "KW_LOG_LEVEL of every function."
  type        = string
  default     = "info"
  validation {
    condition     = contains(["debug", "info", "warn", "error"], var.log_level)
    error_message = "log_level must be debug, info, warn or error."
  }
}

variable "cpu" {
  description = "vCPUs per Cloud Run instance."
  type        = string
  default     = "1"
  validation {
    condition     = contains(["1", "2", "4"], var.cpu)
    error_message = "cpu must be 1, 2 or 4."
  }
}

variable "memory" {
  description = "Memory per Cloud Run instance."
  type        = string
  default     = "512Mi"
  validation {
    condition     = can(regex("^[0-9]+(Mi|Gi)$", var.memory))
    error_message = "memory must look like 512Mi or 1Gi."
  }
}

variable "concurrency" {
  description = "Maximum concurrent requests per instance (max_instance_request_concurrency)."
  type        = number
  default     = 80
  validation {
    condition     = var.concurrency >= 1 && var.concurrency <= 1000
    error_message = "concurrency must be between 1 and 1000."
  }
}

variable "min_instances" {
  description = "Minimum instances per function by trigger: warm HTTP functions, scale-to-zero Pub/Sub ones."
  type = object({
    http   = number
    pubsub = number
  })
  default = { http = 1, pubsub = 0 }
  validation {
    condition     = var.min_instances.http >= 0 && var.min_instances.pubsub >= 0
    error_message = "min_instances must not be negative."
  }
}

variable "max_instances" {
  description = "Maximum instances per function (the capacity plan needs about 60 across all functions of a large region at peak)."
  type        = number
  default     = 100
  validation {
    condition     = var.max_instances >= 1 && var.max_instances <= 1000
    error_message = "max_instances must be between 1 and 1000."
  }
}

variable "request_timeout" {
  description = "Cloud Run request timeout (also bounded by the 60 s Pub/Sub ack deadline for pushes)."
  type        = string
  default     = "60s"
  validation {
    condition     = can(regex("^[0-9]+s$", var.request_timeout))
    error_message = "request_timeout must be seconds, e.g. 60s."
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

variable "tmp_object_days" {
  description = "Objects under tmp/ (unfinished uploads) are deleted after this many days."
  type        = number
  default     = 2
  validation {
    condition     = var.tmp_object_days >= 1
    error_message = "tmp_object_days must be at least 1."
  }
}

variable "noncurrent_version_days" {
  description = "Noncurrent (overwritten or deleted) object versions are deleted after this many days."
  type        = number
  default     = 30
  validation {
    condition     = var.noncurrent_version_days >= 1
    error_message = "noncurrent_version_days must be at least 1."
  }
}

variable "cdn_key_secret" {
  description = "Secret Manager secret holding the Cloud CDN URL signing key (base64url of 16 random bytes); the content service signs with the same value."
  type        = string
  default     = "kw-url-signing-key"
}

variable "cdn_signed_url_max_age_sec" {
  description = "How long Cloud CDN treats a response to a signed URL as fresh."
  type        = number
  default     = 86400
  validation {
    condition     = var.cdn_signed_url_max_age_sec >= 0
    error_message = "cdn_signed_url_max_age_sec must not be negative."
  }
}
