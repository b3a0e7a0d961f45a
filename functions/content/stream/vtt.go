package stream

import (
	"bytes"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/kwipper/kwipper/shared/errs"
)

// MaxVTTSize bounds a caption file: two hours of dense captions are about
// 200 KB.
const MaxVTTSize = 2 << 20

// VTTError is what is wrong with a WebVTT file, and where.
type VTTError struct {
	// Line is the 1-based line number, 0 for the file as a whole.
	Line    int
	Problem string
}

func (e *VTTError) Error() string {
	if e.Line == 0 {
		return e.Problem
	}
	return "line " + strconv.Itoa(e.Line) + ": " + e.Problem
}

// Unwrap makes the error Invalid, with its message shown to the caller.
func (e *VTTError) Unwrap() error { return errs.E(errs.Invalid, "%s", e.Error()) }

func vttErr(line int, format string, args ...any) error {
	return &VTTError{Line: line, Problem: fmt.Sprintf(format, args...)}
}

// ValidateVTT checks that b is a WebVTT file (https://www.w3.org/TR/webvtt1/)
// players will show: UTF-8 (a BOM is fine), at most MaxVTTSize; a first line
// "WEBVTT", alone or followed by a space or tab and text; header lines, then
// a blank line; REGION and STYLE blocks before the first cue, NOTE blocks
// anywhere; cues of an optional identifier line, a timing line
// "[hh:]mm:ss.ttt --> [hh:]mm:ss.ttt [settings]" whose end is after its
// start and whose start is not before the previous cue's, and text lines
// without "-->". Cue settings are vertical, line, position, size, align and
// region with their defined values.
//
// The error is a *VTTError naming the line and the problem, e.g.
// `line 7: cue timing "00:01.5 --> 00:02.000": milliseconds need three
// digits`; it is errs.Invalid.
func ValidateVTT(b []byte) error {
	if len(b) > MaxVTTSize {
		return vttErr(0, "the file is %d bytes; captions may be at most %d MiB", len(b), MaxVTTSize>>20)
	}
	if bytes.HasPrefix(b, []byte{0xFE, 0xFF}) || bytes.HasPrefix(b, []byte{0xFF, 0xFE}) {
		return vttErr(0, "the file is UTF-16: save it as UTF-8")
	}
	b = bytes.TrimPrefix(b, []byte("\uFEFF"))
	lines := splitLines(b)
	for i, l := range lines {
		if !utf8.ValidString(l) {
			return vttErr(i+1, "not valid UTF-8: save the file as UTF-8")
		}
		if strings.ContainsRune(l, 0) {
			return vttErr(i+1, "contains a NUL character")
		}
	}
	if len(lines) == 0 || !isHeaderLine(lines[0]) {
		return vttErr(1, `the file must start with "WEBVTT" on a line of its own (or followed by a space and text)`)
	}
	if strings.Contains(lines[0], "-->") {
		return vttErr(1, `the header line cannot contain "-->"`)
	}
	i := 1
	// Header lines (e.g. "Kind: captions") run to the first blank line.
	for ; i < len(lines) && lines[i] != ""; i++ {
		if strings.Contains(lines[i], "-->") {
			return vttErr(i+1, "a blank line must separate the WEBVTT header from the first cue")
		}
	}
	v := vttValidator{lastStart: -1}
	for i < len(lines) {
		if lines[i] == "" {
			i++
			continue
		}
		end := i
		for end < len(lines) && lines[end] != "" {
			end++
		}
		if err := v.block(lines[i:end], i+1); err != nil {
			return err
		}
		i = end
	}
	return nil
}

// splitLines splits at CRLF, LF and CR, WebVTT's line terminators.
func splitLines(b []byte) []string {
	if len(b) == 0 {
		return nil
	}
	s := strings.ReplaceAll(string(b), "\r\n", "\n")
	s = strings.ReplaceAll(s, "\r", "\n")
	s = strings.TrimSuffix(s, "\n")
	return strings.Split(s, "\n")
}

func isHeaderLine(l string) bool {
	rest, ok := strings.CutPrefix(l, "WEBVTT")
	return ok && (rest == "" || rest[0] == ' ' || rest[0] == '\t')
}

// isBlockKeyword reports whether l starts a block of kind kw ("NOTE",
// "STYLE", "REGION"): the keyword then spaces/tabs, or for NOTE any text
// after a space or tab.
func isBlockKeyword(l, kw string) bool {
	rest, ok := strings.CutPrefix(l, kw)
	if !ok {
		return false
	}
	if kw == "NOTE" {
		return rest == "" || rest[0] == ' ' || rest[0] == '\t'
	}
	return strings.Trim(rest, " \t") == ""
}

type vttValidator struct {
	seenCue   bool
	lastStart time.Duration
}

// block checks one block: lines (none blank) starting at line number n.
func (v *vttValidator) block(lines []string, n int) error {
	switch {
	case strings.Contains(lines[0], "-->"):
		if isBlockKeyword(lines[0], "NOTE") {
			return vttErr(n, `a NOTE cannot contain "-->"`)
		}
		return v.cue(lines, 0, n)
	case len(lines) > 1 && strings.Contains(lines[1], "-->") && !isBlockKeyword(lines[0], "NOTE"):
		return v.cue(lines, 1, n)
	case isBlockKeyword(lines[0], "NOTE"):
		return noArrows(lines, n, "a NOTE")
	case isBlockKeyword(lines[0], "STYLE"), isBlockKeyword(lines[0], "REGION"):
		kw := strings.Trim(lines[0], " \t")
		if v.seenCue {
			return vttErr(n, "%s blocks must come before the first cue", kw)
		}
		return noArrows(lines, n, "a "+kw+" block")
	}
	if len(lines) == 1 {
		return vttErr(n+1, `a cue needs a timing line ("00:00:01.000 --> 00:00:04.000") after %q`, clip60(lines[0]))
	}
	return vttErr(n+1, "expected a cue timing line (start --> end), found %q", clip60(lines[1]))
}

func noArrows(lines []string, n int, what string) error {
	for j, l := range lines {
		if strings.Contains(l, "-->") {
			return vttErr(n+j, `%s cannot contain "-->" (is a blank line missing before a cue?)`, what)
		}
	}
	return nil
}

// cue checks a cue whose timing line is lines[t].
func (v *vttValidator) cue(lines []string, t, n int) error {
	line := n + t
	start, end, settings, problem := parseTiming(lines[t])
	if problem != "" {
		return vttErr(line, "cue timing %q: %s", clip60(lines[t]), problem)
	}
	if end <= start {
		return vttErr(line, "cue timing %q: the end %s is not after the start %s", clip60(lines[t]),
			fmtTS(end), fmtTS(start))
	}
	if start < v.lastStart {
		return vttErr(line, "cue starts at %s, before the previous cue (%s): cues must be in start-time order",
			fmtTS(start), fmtTS(v.lastStart))
	}
	if problem := checkSettings(settings); problem != "" {
		return vttErr(line, "cue settings %q: %s", clip60(settings), problem)
	}
	v.lastStart, v.seenCue = start, true
	for j := t + 1; j < len(lines); j++ {
		if strings.Contains(lines[j], "-->") {
			return vttErr(n+j, `cue text cannot contain "-->" (is a blank line missing before the next cue?)`)
		}
	}
	return nil
}

// parseTiming reads "start --> end [settings]"; problem says what is wrong.
func parseTiming(l string) (start, end time.Duration, settings, problem string) {
	left, right, ok := strings.Cut(l, "-->")
	if !ok {
		return 0, 0, "", `expected "-->" between the start and end times`
	}
	startS := strings.Trim(left, " \t")
	right = strings.TrimLeft(right, " \t")
	endS, settings, _ := strings.Cut(strings.ReplaceAll(right, "\t", " "), " ")
	if startS == "" {
		return 0, 0, "", "the start time is missing"
	}
	if endS == "" {
		return 0, 0, "", "the end time is missing"
	}
	if start, problem = parseTimestamp(startS); problem != "" {
		return 0, 0, "", problem
	}
	if end, problem = parseTimestamp(endS); problem != "" {
		return 0, 0, "", problem
	}
	return start, end, strings.TrimSpace(settings), ""
}

// parseTimestamp reads [hh:]mm:ss.ttt.
func parseTimestamp(s string) (time.Duration, string) {
	parts := strings.Split(s, ":")
	if len(parts) < 2 || len(parts) > 3 {
		return 0, fmt.Sprintf("%q is not a time like 00:01.000 or 01:02:03.000", s)
	}
	last := parts[len(parts)-1]
	if strings.Contains(last, ",") {
		return 0, fmt.Sprintf("%q: use a period before the milliseconds, not a comma (this looks like SRT)", s)
	}
	secS, msS, ok := strings.Cut(last, ".")
	if !ok {
		return 0, fmt.Sprintf("%q: milliseconds are missing (write ss.ttt)", s)
	}
	var hours int64
	if len(parts) == 3 {
		if len(parts[0]) < 2 || !allDigits(parts[0]) {
			return 0, fmt.Sprintf("%q: hours need at least two digits", s)
		}
		h, err := strconv.ParseInt(parts[0], 10, 64)
		if err != nil || h > 99999 {
			return 0, fmt.Sprintf("%q: hours are out of range", s)
		}
		hours = h
	}
	mins := parts[len(parts)-2]
	switch {
	case len(mins) != 2 || !allDigits(mins):
		return 0, fmt.Sprintf("%q: minutes need two digits", s)
	case mins > "59":
		return 0, fmt.Sprintf("%q: minutes must be 00 to 59", s)
	case len(secS) != 2 || !allDigits(secS):
		return 0, fmt.Sprintf("%q: seconds need two digits", s)
	case secS > "59":
		return 0, fmt.Sprintf("%q: seconds must be 00 to 59", s)
	case len(msS) != 3 || !allDigits(msS):
		return 0, "milliseconds need three digits"
	}
	m, _ := strconv.Atoi(mins)
	sec, _ := strconv.Atoi(secS)
	ms, _ := strconv.Atoi(msS)
	return time.Duration(hours)*time.Hour + time.Duration(m)*time.Minute + time.Duration(sec)*time.Second +
		time.Duration(ms)*time.Millisecond, ""
}

func allDigits(s string) bool {
	for _, c := range []byte(s) {
		if c < '0' || c > '9' {
			return false
		}
	}
	return s != ""
}

// checkSettings checks cue settings; "" when they are fine.
func checkSettings(s string) string {
	for f := range strings.FieldsSeq(s) {
		name, val, ok := strings.Cut(f, ":")
		if !ok || name == "" || val == "" {
			return fmt.Sprintf("%q is not name:value", f)
		}
		bad := false
		switch name {
		case "vertical":
			bad = val != "rl" && val != "lr"
		case "line":
			num, align, _ := strings.Cut(val, ",")
			bad = !(isPercent(num) || isLineNumber(num)) || !oneOf(align, "", "start", "center", "end")
		case "position":
			num, align, _ := strings.Cut(val, ",")
			bad = !isPercent(num) || !oneOf(align, "", "line-left", "center", "line-right")
		case "size":
			bad = !isPercent(val)
		case "align":
			bad = !oneOf(val, "start", "center", "end", "left", "right")
		case "region":
			bad = strings.Contains(val, "-->")
		default:
			return fmt.Sprintf("unknown setting %q (settings are vertical, line, position, size, align and region)", name)
		}
		if bad {
			return fmt.Sprintf("%q has a value %s does not take", f, name)
		}
	}
	return ""
}

func oneOf(s string, vs ...string) bool {
	for _, v := range vs {
		if s == v {
			return true
		}
	}
	return false
}

// isPercent reports whether s is a WebVTT percentage from 0% to 100%.
func isPercent(s string) bool {
	num, ok := strings.CutSuffix(s, "%")
	if !ok || num == "" {
		return false
	}
	whole, frac, hasFrac := strings.Cut(num, ".")
	if !allDigits(whole) || (hasFrac && !allDigits(frac)) {
		return false
	}
	v, err := strconv.ParseFloat(num, 64)
	return err == nil && v >= 0 && v <= 100
}

// isLineNumber reports whether s is an integer, possibly negative.
func isLineNumber(s string) bool {
	return allDigits(strings.TrimPrefix(s, "-"))
}

// fmtTS formats a cue time as hh:mm:ss.ttt.
func fmtTS(d time.Duration) string {
	ms := d.Milliseconds()
	return fmt.Sprintf("%02d:%02d:%02d.%03d", ms/3_600_000, ms/60_000%60, ms/1000%60, ms%1000)
}

// clip60 shortens s for an error message.
func clip60(s string) string {
	if utf8.RuneCountInString(s) <= 60 {
		return s
	}
	r := []rune(s)
	return string(r[:57]) + "..."
}

// HLSCaption is the caption file served beside its subtitle playlist: b
// (which must pass ValidateVTT) with an X-TIMESTAMP-MAP header mapping cue
// time 0 to MPEG-TS presentation time mpegts (FirstPTS of the video's first
// segment). HLS players (RFC 8216 3.5) otherwise take cue time 0 to be PTS
// 0, and show every caption early by the segments' start offset (1.4 s in
// ffmpeg's output). An X-TIMESTAMP-MAP already in b is replaced; a BOM is
// dropped and line endings become LF.
func HLSCaption(b []byte, mpegts int64) ([]byte, error) {
	if err := ValidateVTT(b); err != nil {
		return nil, err
	}
	if mpegts < 0 || mpegts >= 1<<33 {
		return nil, fmt.Errorf("stream: MPEG-TS time %d is out of its 33 bits", mpegts)
	}
	lines := splitLines(bytes.TrimPrefix(b, []byte("\uFEFF")))
	var out strings.Builder
	out.Grow(len(b) + 64)
	out.WriteString(lines[0] + "\n")
	fmt.Fprintf(&out, "X-TIMESTAMP-MAP=MPEGTS:%d,LOCAL:00:00:00.000\n", mpegts)
	inHeader := true
	for _, l := range lines[1:] {
		if l == "" {
			inHeader = false
		}
		if inHeader && strings.HasPrefix(l, "X-TIMESTAMP-MAP=") {
			continue
		}
		out.WriteString(l + "\n")
	}
	return []byte(out.String()), nil
}
