# Shared by the scripts: repository root, prerequisites, emulator start-up.
# shellcheck shell=bash

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

die() { echo "error: $*" >&2; exit 1; }

# require_tools checks what the local stack and the tests need, and says how
# to get what is missing.
require_tools() {
  command -v go >/dev/null || die "Go is not installed (https://go.dev/dl/, Go 1.26+)"
  command -v gcloud >/dev/null || die "the Google Cloud CLI is not installed (it ships the Spanner and Pub/Sub emulators)"
  command -v java >/dev/null || die "Java (17+) is not installed: the Pub/Sub emulator needs it (apt-get install openjdk-17-jre-headless)"
  local sdk
  sdk="${CLOUDSDK_ROOT:-$(gcloud info --format='value(installation.sdk_root)')}"
  [ -x "$sdk/bin/cloud_spanner_emulator/emulator_main" ] ||
    die "the Spanner emulator is missing: gcloud components install cloud-spanner-emulator (or apt-get install google-cloud-cli-spanner-emulator)"
  [ -x "$sdk/platform/pubsub-emulator/bin/cloud-pubsub-emulator" ] ||
    die "the Pub/Sub emulator is missing: gcloud components install pubsub-emulator (or apt-get install google-cloud-cli-pubsub-emulator)"
  export CLOUDSDK_ROOT="$sdk"
}

# require_ffmpeg checks that the local transcoder can run: the Content
# service makes each uploaded video's HLS ladder with ffmpeg and ffprobe
# (KW_TRANSCODER=ffmpeg, the local default). KW_TRANSCODER=off skips it
# (videos then serve as MP4 only).
require_ffmpeg() {
  [ "${KW_TRANSCODER:-ffmpeg}" = "ffmpeg" ] || return 0
  local bin
  for bin in "${KW_FFMPEG:-ffmpeg}" "${KW_FFPROBE:-ffprobe}"; do
    command -v "$bin" >/dev/null ||
      die "$bin is not installed: the local stack transcodes uploaded videos with ffmpeg and ffprobe (Debian/Ubuntu: apt-get install ffmpeg; macOS: brew install ffmpeg), or run with KW_TRANSCODER=off for MP4 only"
  done
}

# install_test_tools installs what the media and web app tests run (ffmpeg
# for the streaming ladder, Chromium and CJK fonts for the browser
# journeys) from Debian packages when they are missing, as root or through
# sudo; elsewhere it says what to install.
install_test_tools() {
  local missing=()
  command -v ffmpeg >/dev/null || missing+=(ffmpeg)
  command -v chromium >/dev/null || command -v chromium-browser >/dev/null || missing+=(chromium)
  [ -d /usr/share/fonts/opentype/noto ] || [ -d /usr/share/fonts/truetype/noto ] || missing+=(fonts-noto-cjk)
  [ ${#missing[@]} -eq 0 ] && return
  local sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  if command -v apt-get >/dev/null && { [ -z "$sudo" ] || sudo -n true 2>/dev/null; }; then
    echo "== installing ${missing[*]} (apt-get)"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  else
    die "the tests need ${missing[*]}: install them (Debian/Ubuntu: apt-get install ${missing[*]})"
  fi
}

# build_kwipper builds the image's binary (kwipper) and the local stack's
# (kwipper-dev) into bin/.
build_kwipper() {
  echo "== building bin/kwipper and bin/kwipper-dev (the first build on a new machine takes a few minutes)"
  (cd "$root" && go build -o bin/kwipper ./functions/cmd/kwipper && go build -o bin/kwipper-dev ./functions/cmd/kwipper-dev)
}

# start_emulators starts the emulators in the background unless
# SPANNER_EMULATOR_HOST and PUBSUB_EMULATOR_HOST already point at running
# ones, exports their hosts, and arranges for them to stop on exit.
start_emulators() {
  if [ -n "${SPANNER_EMULATOR_HOST:-}" ] && [ -n "${PUBSUB_EMULATOR_HOST:-}" ]; then
    echo "using the emulators at $SPANNER_EMULATOR_HOST and $PUBSUB_EMULATOR_HOST"
    return
  fi
  local env_file="$root/.dev/emulators.env"
  mkdir -p "$root/.dev"
  rm -f "$env_file"
  "$root/bin/kwipper-dev" emulators -env-file "$env_file" -log-dir "$root/.dev" &
  emulators_pid=$!
  trap 'kill "$emulators_pid" 2>/dev/null; wait "$emulators_pid" 2>/dev/null' EXIT
  for _ in $(seq 1 600); do
    [ -f "$env_file" ] && break
    kill -0 "$emulators_pid" 2>/dev/null || die "the emulators did not start (see .dev/*.log)"
    sleep 0.2
  done
  [ -f "$env_file" ] || die "the emulators did not start within 120 s (see .dev/*.log)"
  # shellcheck disable=SC1090
  source "$env_file"
  echo "started the emulators at $SPANNER_EMULATOR_HOST and $PUBSUB_EMULATOR_HOST"
}
