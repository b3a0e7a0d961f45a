package spanx

import (
	"testing"

	sppb "cloud.google.com/go/spanner/apiv1/spannerpb"
	"google.golang.org/protobuf/encoding/prototext"
)

func TestParseType(t *testing.T) {
	for in, want := range map[string]string{
		"STRING(MAX)":       "code:STRING",
		"STRING(36)":        "code:STRING",
		"INT64":             "code:INT64",
		"BYTES(MAX)":        "code:BYTES",
		"TIMESTAMP":         "code:TIMESTAMP",
		"ARRAY<STRING(16)>": "code:ARRAY array_element_type:{code:STRING}",
		"ARRAY<INT64>":      "code:ARRAY array_element_type:{code:INT64}",
	} {
		got, err := parseType(in)
		if err != nil {
			t.Fatalf("%s: %v", in, err)
		}
		want := mustType(t, want)
		if got.String() != want.String() {
			t.Errorf("%s: %v, want %v", in, got, want)
		}
	}
	for _, bad := range []string{"PROTO<x.Y>", "INTERVAL", ""} {
		if _, err := parseType(bad); err == nil {
			t.Errorf("%q parsed", bad)
		}
	}
}

func mustType(t *testing.T, text string) *sppb.Type {
	t.Helper()
	var typ sppb.Type
	if err := prototext.Unmarshal([]byte(text), &typ); err != nil {
		t.Fatal(err)
	}
	return &typ
}

func TestParentsFirst(t *testing.T) {
	got := parentsFirst([]TableDump{{Name: "C", Parent: "B"}, {Name: "B", Parent: "A"}, {Name: "A"}, {Name: "Z"}})
	var names string
	for _, tb := range got {
		names += tb.Name
	}
	if names != "AZBC" {
		t.Fatalf("order %s, want AZBC", names)
	}
}
