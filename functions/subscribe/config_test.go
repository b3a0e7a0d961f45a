package subscribe

import (
	"strings"
	"testing"
	"time"

	"github.com/kwipper/kwipper/shared/config"
)

func env(m map[string]string) *config.Reader {
	return config.NewReader(func(k string) string { return m[k] })
}

func TestLoadConfig_defaults(t *testing.T) {
	r := env(nil)
	c := loadConfig(r)
	if err := r.Err(); err != nil {
		t.Fatal(err)
	}
	if c.RefundWindow != 14*24*time.Hour || c.StepTimeout != 30*time.Second || c.MaxAttempts != 3 || c.Shards != 16 ||
		len(c.RetryDays) != 4 || strings.Join(c.Workers, ",") != "default" {
		t.Fatalf("%+v", c)
	}
}

func TestLoadConfig_refundWindow(t *testing.T) {
	r := env(map[string]string{"KW_REFUND_WINDOW": "72h"})
	if c := loadConfig(r); r.Err() != nil || c.RefundWindow != 72*time.Hour {
		t.Fatalf("KW_REFUND_WINDOW=72h: %v %v", c.RefundWindow, r.Err())
	}
	for _, bad := range []string{"two weeks", "0s", "-1h", "9000h"} {
		r := env(map[string]string{"KW_REFUND_WINDOW": bad})
		loadConfig(r)
		if err := r.Err(); err == nil || !strings.Contains(err.Error(), "KW_REFUND_WINDOW") {
			t.Errorf("KW_REFUND_WINDOW=%q: %v", bad, err)
		}
	}
}

func TestLoadConfig_namesEveryBadVariable(t *testing.T) {
	r := env(map[string]string{"KW_SAGA_STEP_TIMEOUT": "soon", "KW_SAGA_MAX_ATTEMPTS": "0", "KW_BILLING_SHARDS": "x",
		"KW_BILLING_WORKERS": " , ", "KW_DUNNING_RETRY_DAYS": "3,1"})
	loadConfig(r)
	for _, want := range []string{"KW_SAGA_STEP_TIMEOUT", "KW_SAGA_MAX_ATTEMPTS", "KW_BILLING_SHARDS", "KW_BILLING_WORKERS", "KW_DUNNING_RETRY_DAYS"} {
		if err := r.Err(); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("error does not name %s: %v", want, err)
		}
	}
}
