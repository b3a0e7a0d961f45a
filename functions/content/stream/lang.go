package stream

import (
	"fmt"
	"regexp"
	"slices"
	"strings"

	"golang.org/x/text/language"

	"github.com/kwipper/kwipper/shared/errs"
)

// captionLanguages are the languages captions may be in, by BCP 47
// primary subtag, with their names in themselves: the languages of
// Kwipper's markets (Indonesia, Japan, the Philippines, Mexico) and their
// neighbours' most common ones.
var captionLanguages = map[string]string{
	"en":  "English",
	"es":  "Español",
	"fil": "Filipino",
	"tl":  "Tagalog",
	"id":  "Bahasa Indonesia",
	"jv":  "Basa Jawa",
	"su":  "Basa Sunda",
	"ms":  "Bahasa Melayu",
	"ja":  "日本語",
	"ko":  "한국어",
	"zh":  "中文",
}

// CaptionLanguages are the primary language subtags captions may have,
// sorted.
func CaptionLanguages() []string {
	ls := make([]string, 0, len(captionLanguages))
	for l := range captionLanguages {
		ls = append(ls, l)
	}
	slices.Sort(ls)
	return ls
}

// tagPattern is language[-Script][-REGION]: the BCP 47 subset captions
// take (no variants, extensions or private use).
var tagPattern = regexp.MustCompile(`^([A-Za-z]{2,3})(?:-([A-Za-z]{4}))?(?:-([A-Za-z]{2}|[0-9]{3}))?$`)

// CaptionLanguage checks a caption's language tag and returns it in
// canonical case: a language we take captions in (CaptionLanguages),
// optionally a script and a region — a country (en-PH, es-MX) or a UN M.49
// area (es-419). Anything else is an Invalid error that says what to send.
func CaptionLanguage(tag string) (string, error) {
	m := tagPattern.FindStringSubmatch(tag)
	if m == nil {
		return "", errs.E(errs.Invalid, "language %q is not a tag like en, es-MX or zh-Hant", tag)
	}
	lang := strings.ToLower(m[1])
	if _, ok := captionLanguages[lang]; !ok {
		return "", errs.E(errs.Invalid, "captions in %q are not supported: use one of %s", lang,
			strings.Join(CaptionLanguages(), ", "))
	}
	out := lang
	if m[2] != "" {
		s, err := language.ParseScript(m[2])
		if err != nil || s.String() == "Zzzz" || strings.HasPrefix(s.String(), "Qa") {
			return "", errs.E(errs.Invalid, "language %q: %q is not a script", tag, m[2])
		}
		out += "-" + s.String()
	}
	if m[3] != "" {
		r, err := language.ParseRegion(m[3])
		if err != nil || r.IsPrivateUse() || !(r.IsCountry() || (r.IsGroup() && len(m[3]) == 3)) {
			return "", errs.E(errs.Invalid, "language %q: %q is not a country or region", tag, m[3])
		}
		out += "-" + r.String()
	}
	return out, nil
}

// LanguageName is a caption language's name for players' menus, in the
// language itself, with the region or script when there is one:
// "English (PH)". tag must be canonical (CaptionLanguage).
func LanguageName(tag string) string {
	lang, rest, _ := strings.Cut(tag, "-")
	name, ok := captionLanguages[lang]
	if !ok {
		name = lang
	}
	if rest != "" {
		name = fmt.Sprintf("%s (%s)", name, rest)
	}
	return name
}
