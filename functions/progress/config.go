package progress

import (
	"strconv"
	"time"

	"github.com/kwipper/kwipper/shared/config"
)

// Config is the Progress service's settings; loadConfig reads them from the
// service's environment.
type Config struct {
	// CompleteFraction is the share of a video's duration a learner must
	// have watched for it to complete (KW_PROGRESS_COMPLETE_FRACTION, above
	// 0 and at most 1; default 0.9, as Teachable; Open edX uses 0.95).
	CompleteFraction float64
	// ClockSkew is how far ahead of the server's clock a report's
	// client_time may be (KW_PROGRESS_CLOCK_SKEW, default 2m): a report
	// from further in the future would win last-writer-wins over every
	// honest report until then.
	ClockSkew time.Duration
}

// loadConfig reads the service's settings, recording what is wrong in r.
func loadConfig(r *config.Reader) Config {
	c := Config{ClockSkew: r.Duration("KW_PROGRESS_CLOCK_SKEW", "2m", 0, time.Hour)}
	f, err := strconv.ParseFloat(r.String("KW_PROGRESS_COMPLETE_FRACTION", "0.9"), 64)
	if err != nil || !(f > 0 && f <= 1) {
		r.Problemf("KW_PROGRESS_COMPLETE_FRACTION must be a fraction above 0 and at most 1, e.g. 0.9")
	}
	c.CompleteFraction = f
	return c
}
