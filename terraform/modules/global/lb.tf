# Global external Application Load Balancer (EXTERNAL_MANAGED): one backend
# service per function. Each backend service lists the serverless NEG of every
# serving region; the region stacks own those NEGs and name them kw-<function>,
# so their self links are known here without reading region state. The LB sends
# a request to the nearest region with capacity, and outlier detection ejects a
# region whose NEG keeps failing, so traffic (users and Pub/Sub pushes alike)
# moves to the next nearest region.

locals {
  neg_base = "https://www.googleapis.com/compute/v1/projects/${var.project}/regions"

  # canary.<api domain>/kw-<function>/<path>, with the header
  # X-Kw-Canary-Region: <region>, reaches that region's revision tagged
  # "canary" of kw-<function>: the deploy's synthetic requests
  # (functions/ops/rollout, rollout probe --probe-base). Cloud Run's ingress
  # (load balancer only) closes the tag URLs to Cloud Build.
  canary_domain = "canary.${var.api_domain}"

  # Go ServeMux patterns -> URL map path templates:
  # {name...} -> {name=**}, {name} -> {name=*}, a trailing {$} is dropped.
  route_paths = {
    for name, f in local.fns : name => replace(replace(replace(f.path, "{$}", ""), "/\\{([A-Za-z_][A-Za-z0-9_]*)\\.\\.\\.\\}/", "{$1=**}"), "/\\{([A-Za-z_][A-Za-z0-9_]*)\\}/", "{$1=*}")
  }
  # Priority order: literal paths, then single-segment templates, then **.
  route_order = concat(
    sort([for n, p in local.route_paths : n if !strcontains(p, "{")]),
    sort([for n, p in local.route_paths : n if strcontains(p, "{") && !strcontains(p, "**")]),
    sort([for n, p in local.route_paths : n if strcontains(p, "**")]),
  )
  routes = [for i, name in local.route_order : {
    name     = name
    priority = 1000 + i
    method   = local.fns[name].trigger == "http" ? upper(local.fns[name].method) : "POST"
    path     = local.route_paths[name]
    template = strcontains(local.route_paths[name], "{")
  }]
}

resource "google_compute_global_address" "api" {
  project = var.project
  name    = "kw-api"
}

# The canary route (below) has its own certificate: adding a domain to an
# existing managed certificate replaces it, and the API would serve no
# certificate until the new one is provisioned.
resource "google_compute_managed_ssl_certificate" "canary" {
  project = var.project
  name    = "kw-api-canary"
  managed {
    domains = [local.canary_domain]
  }
}

resource "google_compute_managed_ssl_certificate" "api" {
  project = var.project
  name    = "kw-api"
  managed {
    domains = [var.api_domain]
  }
}

resource "google_compute_backend_service" "fn" {
  for_each              = local.fns
  project               = var.project
  name                  = "kw-${each.key}"
  description           = "${each.value.trigger} function ${each.key} (service ${each.value.service})"
  load_balancing_scheme = "EXTERNAL_MANAGED"
  enable_cdn            = false

  dynamic "backend" {
    for_each = var.serving_regions
    content {
      group = "${local.neg_base}/${backend.value}/networkEndpointGroups/kw-${each.key}"
    }
  }

  outlier_detection {
    consecutive_errors           = 5
    consecutive_gateway_failure  = 3
    enforcing_consecutive_errors = 100
    max_ejection_percent         = 50
    interval {
      seconds = 10
    }
    base_ejection_time {
      seconds = 30
    }
  }

  # Password guessing and sign-up floods are limited at the edge as well as
  # in the User service (per instance and per account).
  security_policy = contains(keys(var.credential_rate_limit), each.key) ? google_compute_security_policy.credentials[each.key].id : null

  log_config {
    enable      = true
    sample_rate = var.lb_log_sample_rate
  }
}

# One backend per serving region for the canary route: its only backend is
# the region's URL-mask NEG kw-canary (terraform/modules/region), which takes
# the Cloud Run service from the path and the tag from the host, so the
# request goes to exactly that region's canary revision (a backend listing
# every region would send it to the nearest one).
resource "google_compute_backend_service" "canary" {
  for_each              = toset(var.serving_regions)
  project               = var.project
  name                  = "kw-canary-${each.key}"
  description           = "Canary revisions (tag canary) of every function in ${each.key}, for the deploy's synthetic requests."
  load_balancing_scheme = "EXTERNAL_MANAGED"
  enable_cdn            = false

  backend {
    group = "${local.neg_base}/${each.key}/networkEndpointGroups/kw-canary"
  }

  # Anyone may reach the canary host; the per-IP throttle keeps it from
  # becoming a way around the credential routes' tighter limits.
  security_policy = google_compute_security_policy.canary.id

  log_config {
    enable      = true
    sample_rate = 1
  }
}

resource "google_compute_security_policy" "canary" {
  project     = var.project
  name        = "kw-canary-rate-limit"
  description = "Per-IP rate limit on canary.<api domain>: ${var.canary_rate_limit} requests a minute."
  type        = "CLOUD_ARMOR"

  rule {
    action      = "throttle"
    priority    = 1000
    description = "At most ${var.canary_rate_limit} requests a minute per client IP; 429 beyond."
    match {
      versioned_expr = "SRC_IPS_V1"
      config {
        src_ip_ranges = ["*"]
      }
    }
    rate_limit_options {
      conform_action = "allow"
      exceed_action  = "deny(429)"
      enforce_on_key = "IP"
      rate_limit_threshold {
        count        = var.canary_rate_limit
        interval_sec = 60
      }
    }
  }

  rule {
    action      = "allow"
    priority    = 2147483647
    description = "Default: allow."
    match {
      versioned_expr = "SRC_IPS_V1"
      config {
        src_ip_ranges = ["*"]
      }
    }
  }
}

# Cloud Armor rate limit per client IP on the routes that take a password
# (log in, sign up): requests over the limit get 429 at the edge, before
# Cloud Run bills or hashes anything. The User service limits failures per
# address and per account behind it (functions/user/throttle.go); this bounds
# what reaches it across instances. The limit counts every request, so it is
# generous: mobile carriers in these markets put many users behind one
# address (CGNAT).
resource "google_compute_security_policy" "credentials" {
  for_each    = var.credential_rate_limit
  project     = var.project
  name        = "kw-${each.key}-rate-limit"
  description = "Per-IP rate limit for ${each.key}: ${each.value} requests a minute."
  type        = "CLOUD_ARMOR"

  rule {
    action      = "throttle"
    priority    = 1000
    description = "At most ${each.value} requests a minute per client IP; 429 beyond."
    match {
      versioned_expr = "SRC_IPS_V1"
      config {
        src_ip_ranges = ["*"]
      }
    }
    rate_limit_options {
      conform_action = "allow"
      exceed_action  = "deny(429)"
      enforce_on_key = "IP"
      rate_limit_threshold {
        count        = each.value
        interval_sec = 60
      }
    }
  }

  rule {
    action      = "allow"
    priority    = 2147483647
    description = "Default: allow."
    match {
      versioned_expr = "SRC_IPS_V1"
      config {
        src_ip_ranges = ["*"]
      }
    }
  }
}

resource "google_compute_url_map" "api" {
  project     = var.project
  name        = "kw-api"
  description = "Routes each function's method and path (terraform/functions.json) and /media/<region>/ (Cloud CDN)."

  default_url_redirect {
    host_redirect          = trimprefix(var.web_origin, "https://")
    redirect_response_code = "FOUND"
    strip_query            = true
  }

  host_rule {
    hosts        = [var.api_domain]
    path_matcher = "api"
  }

  host_rule {
    hosts        = [local.canary_domain]
    path_matcher = "canary"
  }

  # The canary host routes by the X-Kw-Canary-Region header only; anything
  # else goes to the web app.
  path_matcher {
    name = "canary"
    default_url_redirect {
      host_redirect          = trimprefix(var.web_origin, "https://")
      redirect_response_code = "FOUND"
      strip_query            = true
    }

    dynamic "route_rules" {
      for_each = { for i, r in var.serving_regions : r => i }
      content {
        priority = 1 + route_rules.value
        service  = google_compute_backend_service.canary[route_rules.key].id
        match_rules {
          prefix_match = "/"
          header_matches {
            header_name = "X-Kw-Canary-Region"
            exact_match = route_rules.key
          }
        }
      }
    }
  }

  path_matcher {
    name = "api"
    default_url_redirect {
      host_redirect          = trimprefix(var.web_origin, "https://")
      redirect_response_code = "FOUND"
      strip_query            = true
    }

    # Media objects live under media/<region>/ in that region's bucket, so the
    # public path equals the object name and signed URLs need no rewrite.
    # Cloud CDN rejects bad signatures but passes unsigned requests through, and
    # a bucket cannot check them: only requests carrying a Signature reach it.
    dynamic "route_rules" {
      for_each = { for i, r in var.serving_regions : r => i }
      content {
        priority = 100 + route_rules.value
        service  = "https://www.googleapis.com/compute/v1/projects/${var.project}/global/backendBuckets/kw-media-${route_rules.key}"
        match_rules {
          prefix_match = "/media/${route_rules.key}/"
          query_parameter_matches {
            name          = "Signature"
            present_match = true
          }
        }
      }
    }

    dynamic "route_rules" {
      for_each = local.routes
      content {
        priority = route_rules.value.priority
        service  = google_compute_backend_service.fn[route_rules.value.name].id
        match_rules {
          full_path_match     = route_rules.value.template ? null : route_rules.value.path
          path_template_match = route_rules.value.template ? route_rules.value.path : null
          header_matches {
            header_name = ":method"
            exact_match = route_rules.value.method
          }
        }
      }
    }
  }
}

# Without a policy the proxy uses Google's default (COMPATIBLE profile, TLS
# 1.0 and up). Clients get TLS 1.2+ with the MODERN profile's ciphers;
# trivy's GCP-0039 (scripts/iac-scan) checks the policy.
resource "google_compute_ssl_policy" "api" {
  project         = var.project
  name            = "kw-api"
  description     = "TLS 1.2+ for the Kwipper API and media (MODERN profile)."
  profile         = "MODERN"
  min_tls_version = "TLS_1_2"
}

resource "google_compute_target_https_proxy" "api" {
  project          = var.project
  name             = "kw-api"
  url_map          = google_compute_url_map.api.id
  ssl_certificates = [google_compute_managed_ssl_certificate.api.id, google_compute_managed_ssl_certificate.canary.id]
  ssl_policy       = google_compute_ssl_policy.api.id
}

resource "google_compute_global_forwarding_rule" "https" {
  project               = var.project
  name                  = "kw-api-https"
  load_balancing_scheme = "EXTERNAL_MANAGED"
  ip_address            = google_compute_global_address.api.id
  port_range            = "443"
  target                = google_compute_target_https_proxy.api.id
}

# Plain HTTP only redirects to HTTPS.
resource "google_compute_url_map" "http_redirect" {
  project = var.project
  name    = "kw-api-http-redirect"
  default_url_redirect {
    https_redirect         = true
    redirect_response_code = "MOVED_PERMANENTLY_DEFAULT"
    strip_query            = false
  }
}

resource "google_compute_target_http_proxy" "http_redirect" {
  project = var.project
  name    = "kw-api-http-redirect"
  url_map = google_compute_url_map.http_redirect.id
}

resource "google_compute_global_forwarding_rule" "http" {
  project               = var.project
  name                  = "kw-api-http"
  load_balancing_scheme = "EXTERNAL_MANAGED"
  ip_address            = google_compute_global_address.api.id
  port_range            = "80"
  target                = google_compute_target_http_proxy.http_redirect.id
}
