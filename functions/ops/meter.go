package ops

import (
	"fmt"
	"io"
	"os"
	"strings"
	"time"
)

// Meter shows an operator command's progress to a person: on a terminal a
// bar redrawn in place; elsewhere (a log file, CI) a line when the done
// count changes, at most every Every. A nil *Meter shows nothing.
type Meter struct {
	W     io.Writer
	TTY   bool
	Every time.Duration
	// Now is the clock (tests set it).
	Now func() time.Time

	last     time.Time
	lastLine string
	open     bool // a bar is drawn on the current line (TTY)
}

// NewMeter is a Meter writing to w, drawing in place when w is a terminal.
func NewMeter(w io.Writer) *Meter {
	m := &Meter{W: w, Every: 2 * time.Second, Now: time.Now}
	if f, ok := w.(*os.File); ok {
		if st, err := f.Stat(); err == nil && st.Mode()&os.ModeCharDevice != 0 {
			m.TTY = true
		}
	}
	return m
}

// Bar draws done of total as a bar width cells wide, with the count:
// "[#####-----]  8/16". A total of 0 or less draws an empty bar.
func Bar(done, total, width int) string {
	filled := 0
	if total > 0 {
		filled = min(width, max(0, done*width/total))
	}
	digits := len(fmt.Sprint(max(total, 0)))
	return fmt.Sprintf("[%s%s] %*d/%d", strings.Repeat("#", filled), strings.Repeat("-", width-filled), digits, done, total)
}

// Update shows done of total with what is happening.
func (m *Meter) Update(done, total int, what string) {
	if m == nil {
		return
	}
	line := Bar(done, total, 24) + "  " + what
	if line == m.lastLine {
		return
	}
	now := m.Now()
	if m.TTY {
		fmt.Fprintf(m.W, "\r\033[K%s", line)
		m.open = true
	} else {
		if !m.last.IsZero() && now.Sub(m.last) < m.Every && done != total {
			return
		}
		fmt.Fprintln(m.W, line)
	}
	m.last, m.lastLine = now, line
}

// Println ends the bar's line (on a terminal) and prints a line of text.
func (m *Meter) Println(a ...any) {
	if m == nil {
		return
	}
	if m.open {
		fmt.Fprintln(m.W)
		m.open = false
	}
	fmt.Fprintln(m.W, a...)
}

// Printf is Println with a format.
func (m *Meter) Printf(format string, a ...any) {
	m.Println(fmt.Sprintf(format, a...))
}

// count writes n with thousands separators (1234567 → "1,234,567").
func count[T ~int | ~int64](n T) string {
	s := fmt.Sprint(int64(n))
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var b strings.Builder
	for i, r := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(r)
	}
	if neg {
		return "-" + b.String()
	}
	return b.String()
}
