package ops

import (
	"bytes"
	"strings"
	"testing"
	"time"
)

func TestBar(t *testing.T) {
	for _, c := range []struct {
		done, total int
		want        string
	}{
		{0, 16, "[----------]  0/16"},
		{8, 16, "[#####-----]  8/16"},
		{16, 16, "[##########] 16/16"},
		{20, 16, "[##########] 20/16"},
		{0, 0, "[----------] 0/0"},
	} {
		if got := Bar(c.done, c.total, 10); got != c.want {
			t.Errorf("Bar(%d, %d) = %q, want %q", c.done, c.total, got, c.want)
		}
	}
}

// Off a terminal the meter writes a line at most every Every (and always
// the last one), so a long run in CI logs a few lines, not thousands; on a
// terminal it redraws one line.
func TestMeter_throttlesLinesOffATerminal(t *testing.T) {
	var out bytes.Buffer
	now := time.Unix(0, 0)
	m := &Meter{W: &out, Every: time.Second, Now: func() time.Time { return now }}
	for i := 0; i <= 100; i++ {
		m.Update(i, 100, "rows")
		now = now.Add(100 * time.Millisecond)
	}
	m.Println("done")
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	if len(lines) != 12 || !strings.HasSuffix(lines[10], "100/100  rows") || lines[11] != "done" {
		t.Fatalf("%d lines:\n%s", len(lines), out.String())
	}

	out.Reset()
	tty := &Meter{W: &out, TTY: true, Now: time.Now}
	tty.Update(1, 2, "a")
	tty.Update(2, 2, "b")
	tty.Println("done")
	if got := out.String(); got != "\r\033[K[############------------] 1/2  a\r\033[K[########################] 2/2  b\ndone\n" {
		t.Fatalf("terminal output %q", got)
	}
	var nilMeter *Meter
	nilMeter.Update(1, 2, "x")
	nilMeter.Println("nothing")
}

func TestCount(t *testing.T) {
	for n, want := range map[int64]string{0: "0", 999: "999", 1000: "1,000", 1234567: "1,234,567", -4500: "-4,500"} {
		if got := count(n); got != want {
			t.Errorf("count(%d) = %q, want %q", n, got, want)
		}
	}
}
