package stream

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	"github.com/kwipper/kwipper/shared/errs"
)

// validVTT are files players show, in the shapes tutors' tools export.
var validVTT = map[string]string{
	"header_only":            "WEBVTT\n",
	"header_without_newline": "WEBVTT",
	"bom_and_title":          "\uFEFFWEBVTT - Lesson 1: Variables\n\n00:01.000 --> 00:04.000\nHalo semuanya!\n",
	"tab_after_magic":        "WEBVTT\tcaptions\n\n00:00:01.000 --> 00:00:02.500\nこんにちは\n",
	"header_metadata_lines":  "WEBVTT\nKind: captions\nLanguage: en\n\n00:00:00.000 --> 00:00:03.000 align:start position:0%\nHello\n",
	"notes_styles_regions": `WEBVTT

NOTE written by the tutor
with two lines

STYLE
::cue { color: yellow; }

REGION
id:fred
width:40%

NOTE
between blocks

intro
00:00:01.000 --> 00:00:04.000 region:fred line:0 size:80%
<v Tutor>Welcome to <i>Go basics</i> &amp; more</v>

NOTE a note between cues

2
00:00:04.000 --> 00:00:06.000 vertical:rl line:-1 position:50%,center align:end
second cue
on two lines

3
00:00:04.000 --> 00:00:07.250 line:10%,end position:100% align:left
same start as the one before
`,
	"crlf_line_endings":   "WEBVTT\r\n\r\n00:01.000 --> 00:02.000\r\nHola\r\n\r\n00:02.000 --> 00:03.000\r\nadiós\r\n",
	"cr_line_endings":     "WEBVTT\r\r00:01.000 --> 00:02.000\rMaayong buntag\r",
	"long_hours":          "WEBVTT\n\n100:00:00.000 --> 100:00:01.000\nlate\n",
	"extra_blank_lines":   "WEBVTT\n\n\n\n00:01.000 --> 00:02.000\nx\n\n\n",
	"cue_without_text":    "WEBVTT\n\n00:01.000 --> 00:02.000\n\n00:03.000 --> 00:04.000\nnext\n",
	"identifier_is_style": "WEBVTT\n\n00:00.500 --> 00:01.000\nfirst\n\nSTYLE\n00:01.000 --> 00:02.000\na cue named STYLE\n",
}

func TestValidateVTT_acceptsValidFiles(t *testing.T) {
	for name, f := range validVTT {
		t.Run(name, func(t *testing.T) {
			if err := ValidateVTT([]byte(f)); err != nil {
				t.Errorf("ValidateVTT: %v", err)
			}
		})
	}
}

func TestValidateVTT_namesTheLineAndTheProblem(t *testing.T) {
	for _, tc := range []struct {
		name, file, want string
	}{
		{"milliseconds_need_three_digits",
			"WEBVTT\n\n1\n00:00.000 --> 00:01.000\none\n\n00:01.5 --> 00:02.000\ntwo\n",
			`line 7: cue timing "00:01.5 --> 00:02.000": milliseconds need three digits`},
		{"empty_file", "", `line 1: the file must start with "WEBVTT"`},
		{"srt_file", "1\n00:00:01,000 --> 00:00:02,000\nHi\n", `line 1: the file must start with "WEBVTT"`},
		{"magic_glued_to_text", "WEBVTTX\n", `line 1: the file must start with "WEBVTT"`},
		{"lower_case_magic", "webvtt\n", `line 1: the file must start with "WEBVTT"`},
		{"srt_comma", "WEBVTT\n\n00:00:01,000 --> 00:00:02,000\nHi\n",
			`line 3: cue timing "00:00:01,000 --> 00:00:02,000": "00:00:01,000": use a period before the milliseconds`},
		{"no_blank_line_after_header", "WEBVTT\n00:01.000 --> 00:02.000\nx\n",
			"line 2: a blank line must separate the WEBVTT header from the first cue"},
		{"end_before_start", "WEBVTT\n\n00:05.000 --> 00:04.000\nx\n",
			`line 3: cue timing "00:05.000 --> 00:04.000": the end 00:00:04.000 is not after the start 00:00:05.000`},
		{"end_equals_start", "WEBVTT\n\n00:05.000 --> 00:05.000\nx\n", "line 3: cue timing"},
		{"cues_out_of_order", "WEBVTT\n\n00:05.000 --> 00:06.000\na\n\n00:01.000 --> 00:02.000\nb\n",
			"line 6: cue starts at 00:00:01.000, before the previous cue (00:00:05.000)"},
		{"sixty_minutes", "WEBVTT\n\n00:60:00.000 --> 01:00:01.000\nx\n", `"00:60:00.000": minutes must be 00 to 59`},
		{"sixty_seconds", "WEBVTT\n\n00:60.000 --> 01:01.000\nx\n", `"00:60.000": seconds must be 00 to 59`},
		{"one_digit_minute", "WEBVTT\n\n0:01.000 --> 0:02.000\nx\n", `"0:01.000": minutes need two digits`},
		{"one_digit_hour", "WEBVTT\n\n1:00:01.000 --> 1:00:02.000\nx\n", `"1:00:01.000": hours need at least two digits`},
		{"no_milliseconds", "WEBVTT\n\n00:01 --> 00:02.000\nx\n", `"00:01": milliseconds are missing`},
		{"missing_end", "WEBVTT\n\n00:01.000 -->\nx\n", "the end time is missing"},
		{"missing_blank_line_between_cues", "WEBVTT\n\n00:01.000 --> 00:02.000\na\n00:02.000 --> 00:03.000\nb\n",
			`line 5: cue text cannot contain "-->"`},
		{"style_after_a_cue", "WEBVTT\n\n00:01.000 --> 00:02.000\na\n\nSTYLE\n::cue { color: red }\n",
			"line 6: STYLE blocks must come before the first cue"},
		{"arrow_in_a_note", "WEBVTT\n\nNOTE this --> that\n", `line 3: a NOTE cannot contain "-->"`},
		{"arrow_on_a_note_second_line", "WEBVTT\n\nNOTE\n00:01.000 --> 00:02.000\n", `line 4: a NOTE cannot contain "-->"`},
		{"unknown_setting", "WEBVTT\n\n00:01.000 --> 00:02.000 color:red\nx\n", `unknown setting "color"`},
		{"old_align_value", "WEBVTT\n\n00:01.000 --> 00:02.000 align:middle\nx\n", `"align:middle" has a value align does not take`},
		{"position_over_100", "WEBVTT\n\n00:01.000 --> 00:02.000 position:150%\nx\n", `"position:150%"`},
		{"setting_without_value", "WEBVTT\n\n00:01.000 --> 00:02.000 align\nx\n", `"align" is not name:value`},
		{"text_without_timing", "WEBVTT\n\nhello\nworld\n", `line 4: expected a cue timing line (start --> end), found "world"`},
		{"identifier_without_timing", "WEBVTT\n\nintro\n", `line 4: a cue needs a timing line`},
		{"invalid_utf8", "WEBVTT\n\n00:01.000 --> 00:02.000\n\xff\xfe caf\xe9\n", "line 4: not valid UTF-8"},
		{"utf16", "\xff\xfeW\x00E\x00", "the file is UTF-16: save it as UTF-8"},
		{"nul", "WEBVTT\n\n00:01.000 --> 00:02.000\na\x00b\n", "line 4: contains a NUL character"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := ValidateVTT([]byte(tc.file))
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error %v, want one containing %q", err, tc.want)
			}
			var ve *VTTError
			if !errors.As(err, &ve) || errs.KindOf(err) != errs.Invalid {
				t.Errorf("error %T is not a *VTTError of kind Invalid", err)
			}
			var e *errs.Error
			if errors.As(err, &e) && e.Message != err.Error() {
				t.Errorf("client message %q differs from %q", e.Message, err.Error())
			}
		})
	}
}

func TestValidateVTT_sizeBound(t *testing.T) {
	big := append([]byte("WEBVTT\n\nNOTE "), bytes.Repeat([]byte("a"), MaxVTTSize)...)
	if err := ValidateVTT(big); err == nil || !strings.Contains(err.Error(), "at most 2 MiB") {
		t.Errorf("error %v, want the size bound", err)
	}
}

func TestHLSCaption_mapsCueTimeZeroToTheVideosFirstPTS(t *testing.T) {
	in := "\uFEFFWEBVTT\r\nKind: captions\r\nX-TIMESTAMP-MAP=MPEGTS:0,LOCAL:00:00:00.000\r\n\r\n00:01.000 --> 00:02.000\r\nHalo\r\n"
	got, err := HLSCaption([]byte(in), 132000)
	if err != nil {
		t.Fatal(err)
	}
	want := "WEBVTT\nX-TIMESTAMP-MAP=MPEGTS:132000,LOCAL:00:00:00.000\nKind: captions\n\n00:01.000 --> 00:02.000\nHalo\n"
	if string(got) != want {
		t.Errorf("got %q\nwant %q", got, want)
	}
	if err := ValidateVTT(got); err != nil {
		t.Errorf("the result does not validate: %v", err)
	}
	if _, err := HLSCaption([]byte("WEBVTT\n\n00:02.000 --> 00:01.000\nx\n"), 0); errs.KindOf(err) != errs.Invalid {
		t.Errorf("invalid captions: %v, want Invalid", err)
	}
	if _, err := HLSCaption([]byte("WEBVTT\n"), 1<<33); err == nil {
		t.Error("no error for a PTS beyond 33 bits")
	}
}

// FuzzValidateVTT checks that no input panics the validator, that every
// refusal names a line of the file, and that whatever it accepts still
// validates once HLSCaption adds its timestamp map. Seeds: the table cases
// here and testdata/fuzz/FuzzValidateVTT.
func FuzzValidateVTT(f *testing.F) {
	for _, v := range validVTT {
		f.Add([]byte(v))
	}
	for _, s := range []string{
		"WEBVTT\n\n00:01.5 --> 00:02.000\nx\n", "WEBVTT\n\nNOTE -->\n", "WEBVTT\n\n00:01.000 --> 00:02.000 line:-\nx\n",
		"WEBVTT\n\n99999:59:59.999 --> 100000:00:00.000\n", "WEBVTT\n\nSTYLE\n\nREGION\n", "\uFEFF", "WEBVTT\r\n\r",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		err := ValidateVTT(b)
		if err != nil {
			var ve *VTTError
			if !errors.As(err, &ve) {
				t.Fatalf("error %T %v is not a *VTTError", err, err)
			}
			if lines := len(splitLines(bytes.TrimPrefix(b, []byte("\uFEFF")))); ve.Line < 0 || ve.Line > lines+1 {
				t.Fatalf("error names line %d of a %d-line file: %v", ve.Line, lines, err)
			}
			return
		}
		out, err := HLSCaption(b, 126000)
		if err != nil {
			t.Fatalf("valid file refused by HLSCaption: %v", err)
		}
		if err := ValidateVTT(out); err != nil {
			t.Fatalf("HLSCaption made an invalid file: %v\n%q", err, out)
		}
	})
}

func TestCaptionLanguage(t *testing.T) {
	for in, want := range map[string]string{
		"id": "id", "ja": "ja", "en": "en", "es": "es", "es-MX": "es-MX", "en-PH": "en-PH", "EN-ph": "en-PH",
		"es-419": "es-419", "zh-Hant": "zh-Hant", "zh-hant-tw": "zh-Hant-TW", "fil": "fil", "tl": "tl", "ja-JP": "ja-JP",
		"id-ID": "id-ID", "jv": "jv", "su": "su",
	} {
		got, err := CaptionLanguage(in)
		if err != nil || got != want {
			t.Errorf("CaptionLanguage(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	for in, want := range map[string]string{
		"":              "is not a tag like",
		"english":       "is not a tag like",
		"en_US":         "is not a tag like",
		"e":             "is not a tag like",
		"de":            `captions in "de" are not supported: use one of en, es, fil, id, ja, jv, ko, ms, su, tl, zh`,
		"en-XX":         `"XX" is not a country or region`,
		"en-ZZ":         `"ZZ" is not a country or region`,
		"es-999":        `"999" is not a country or region`,
		"zh-Abcd":       `"Abcd" is not a script`,
		"en-US-x-twain": "is not a tag like",
		"en-US-valley":  "is not a tag like",
		"i-klingon":     "is not a tag like",
	} {
		_, err := CaptionLanguage(in)
		if errs.KindOf(err) != errs.Invalid || !strings.Contains(err.Error(), want) {
			t.Errorf("CaptionLanguage(%q): %v; want Invalid containing %q", in, err, want)
		}
	}
	for tag, want := range map[string]string{"id": "Bahasa Indonesia", "en-PH": "English (PH)", "ja": "日本語", "es-419": "Español (419)"} {
		if got := LanguageName(tag); got != want {
			t.Errorf("LanguageName(%q) = %q, want %q", tag, got, want)
		}
	}
}
