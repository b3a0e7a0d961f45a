package content_test

import (
	"net/http"
	"slices"
	"testing"
	"time"

	"github.com/kwipper/kwipper/functions/content"
	"github.com/kwipper/kwipper/functions/contract/subscribemsg"
)

// captionLanguages lists the item's captions as token sees them.
func (s *stack) captionLanguages(token, captions string) []string {
	s.t.Helper()
	var l content.CaptionList
	s.Must(http.StatusOK, "GET", captions, token, nil).JSON(s.t, &l)
	var out []string
	for _, c := range l.Captions {
		out = append(out, c.Language)
	}
	return out
}

// Captions are listed by the tutor and by subscribers (with their sizes,
// not yet published: no ladder serves the item), and deleted by the tutor
// only; every refusal leaves the list as it was.
func TestFlow_captionsListedAndDeleted(t *testing.T) {
	s := start(t)
	_, tutor := s.User("tutor@captions.test", "tutor")
	_, otherTutor := s.User("other@captions.test", "tutor")
	learnerID, learner := s.User("learner@captions.test", "learner")
	var c, video, text struct{ ID string }
	s.Must(201, "POST", "/v1/courses", tutor, map[string]any{"title": "Nihongo", "description": "",
		"price": map[string]any{"amount": 1500, "currency": "JPY"}, "billing_interval": "month"}).JSON(t, &c)
	s.Must(201, "POST", "/v1/courses/"+c.ID+"/items", tutor, map[string]any{"kind": "video", "title": "Aisatsu"}).JSON(t, &video)
	s.Must(201, "POST", "/v1/courses/"+c.ID+"/items", tutor, map[string]any{"kind": "text", "title": "Notes", "body": "Konnichiwa"}).JSON(t, &text)
	captions := "/v1/courses/" + c.ID + "/items/" + video.ID + "/captions"
	s.Eventually("items in the content projection", 30*time.Second, func() bool {
		return s.Do("GET", captions, tutor, nil).Status == http.StatusOK &&
			s.Do("GET", "/v1/courses/"+c.ID+"/items/"+text.ID+"/captions", tutor, nil).Status == http.StatusOK
	})

	ja, en := "WEBVTT\n\n00:00.500 --> 00:03.000\nおはようございます\n", "WEBVTT\n\n00:00.500 --> 00:03.000\nGood morning\n"
	s.putVTT(http.StatusOK, tutor, captions+"/ja", ja)
	s.putVTT(http.StatusOK, tutor, captions+"/en", en)
	var l content.CaptionList
	s.Must(http.StatusOK, "GET", captions, tutor, nil).JSON(t, &l)
	if len(l.Captions) != 2 || l.Captions[0].Language != "en" || l.Captions[1].Language != "ja" ||
		l.Captions[0].Size != len(en) || l.Captions[1].Size != len(ja) || l.Captions[1].Name == "" ||
		l.Captions[0].Published || l.Captions[0].UpdatedAt.IsZero() {
		t.Fatalf("the tutor's list: %+v", l.Captions)
	}
	if got := s.captionLanguages(tutor, "/v1/courses/"+c.ID+"/items/"+text.ID+"/captions"); len(got) != 0 {
		t.Errorf("a text item lists captions %v", got)
	}

	// Listing: only the tutor and subscribers.
	s.Must(http.StatusUnauthorized, "GET", captions, "", nil)
	s.Must(http.StatusForbidden, "GET", captions, learner, nil)
	s.Must(http.StatusForbidden, "GET", captions, otherTutor, nil)
	s.publish(subscribemsg.Topic, subscribemsg.EventActivated,
		map[string]string{"subscription_id": "sub-captions", "user_id": learnerID, "course_id": c.ID})
	s.Eventually("learner entitled", 30*time.Second, func() bool { return s.Do("GET", captions, learner, nil).Status == http.StatusOK })
	if got := s.captionLanguages(learner, captions); !slices.Equal(got, []string{"en", "ja"}) {
		t.Errorf("the subscriber's list: %v", got)
	}

	// Refused deletions change nothing: a subscriber (not a tutor), another
	// tutor, no token, a language without captions, one that is no language.
	for _, tc := range []struct {
		name, token, lang string
		want              int
	}{
		{"subscriber_403", learner, "ja", http.StatusForbidden},
		{"other_tutor_403", otherTutor, "ja", http.StatusForbidden},
		{"no_token_401", "", "ja", http.StatusUnauthorized},
		{"no_such_caption_404", tutor, "es", http.StatusNotFound},
		{"not_a_language_400", tutor, "xx", http.StatusBadRequest},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s.Must(tc.want, "DELETE", captions+"/"+tc.lang, tc.token, nil)
			if got := s.captionLanguages(tutor, captions); !slices.Equal(got, []string{"en", "ja"}) {
				t.Errorf("after a refused deletion: %v", got)
			}
		})
	}

	// The tutor deletes one: gone for everyone, a second deletion is 404,
	// and the language can be uploaded again.
	s.Must(http.StatusNoContent, "DELETE", captions+"/ja", tutor, nil)
	if got := s.captionLanguages(learner, captions); !slices.Equal(got, []string{"en"}) {
		t.Errorf("after deleting ja: %v", got)
	}
	s.Must(http.StatusNotFound, "DELETE", captions+"/ja", tutor, nil)
	s.putVTT(http.StatusOK, tutor, captions+"/ja", ja)
	if got := s.captionLanguages(tutor, captions); !slices.Equal(got, []string{"en", "ja"}) {
		t.Errorf("after uploading ja again: %v", got)
	}
}
