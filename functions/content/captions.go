package content

import (
	"context"
	"errors"
	"io"
	"net/http"
	"time"

	"github.com/kwipper/kwipper/functions/content/stream"
	"github.com/kwipper/kwipper/functions/contract/coursemsg"
	"github.com/kwipper/kwipper/shared/auth"
	"github.com/kwipper/kwipper/shared/errs"
	"github.com/kwipper/kwipper/shared/httpx"
)

// Captions: the owner tutor uploads one WebVTT file per language; it is
// validated (a malformed file is refused with the line that is wrong and
// changes nothing), stored with the item, and written beside the ladder
// that serves as a subtitle rendition of its master playlist (and beside
// every later ladder).

// ErrCaptionsVideoOnly refuses captions for a text or file item.
var ErrCaptionsVideoOnly = errs.E(errs.Invalid, "captions go with video items only")

// CaptionView is a caption as stored. Published says whether the master
// playlist of the ladder that serves lists it already (false: no ladder is
// ready yet, and the next one will; or writing it failed, and the next
// upload of any caption or ladder retries).
type CaptionView struct {
	CourseID  string    `json:"course_id"`
	ItemID    string    `json:"item_id"`
	Language  string    `json:"language"`
	Name      string    `json:"name"`
	Size      int       `json:"size"`
	Published bool      `json:"published"`
	UpdatedAt time.Time `json:"updated_at"`
}

// putCaption stores the body, a WebVTT file (Content-Type: text/vtt, at
// most stream.MaxVTTSize), as the caption of a video item in the path's
// language, then republishes the serving ladder's master playlist.
func (s *Service) putCaption(w http.ResponseWriter, r *http.Request) error {
	courseID, itemID, err := pathIDs(r)
	if err != nil {
		return err
	}
	lang, err := stream.CaptionLanguage(r.PathValue("language"))
	if err != nil {
		return err
	}
	if ct := normalizeType(r.Header.Get("Content-Type")); ct != "text/vtt" && ct != "text/plain" {
		return errs.E(errs.Invalid, "send the WebVTT file as the body with Content-Type: text/vtt")
	}
	vtt, err := io.ReadAll(http.MaxBytesReader(w, r.Body, stream.MaxVTTSize))
	var tooBig *http.MaxBytesError
	if errors.As(err, &tooBig) {
		return errs.E(errs.TooLarge, "a caption file may be at most %d MiB", stream.MaxVTTSize>>20)
	}
	if err != nil {
		return errs.Wrap(errs.Invalid, err, "the body could not be read")
	}
	if err := stream.ValidateVTT(vtt); err != nil {
		return err
	}
	it, err := s.store.putCaption(r.Context(), courseID, itemID, auth.Caller(r).UserID, lang, vtt)
	if err != nil {
		return err
	}
	v := CaptionView{CourseID: courseID, ItemID: itemID, Language: lang, Name: stream.LanguageName(lang), Size: len(vtt),
		UpdatedAt: s.now().UTC()}
	v.Published = s.republish(r.Context(), it)
	httpx.WriteJSON(w, http.StatusOK, v)
	return nil
}

// CaptionList is an item's captions, by language.
type CaptionList struct {
	Captions []CaptionView `json:"captions"`
}

// listCaptions answers the captions of an item to its tutor and to users
// entitled to the course (a text or file item has none). Published is
// whether a ladder serves the item: its master lists every caption stored.
func (s *Service) listCaptions(w http.ResponseWriter, r *http.Request) error {
	courseID, itemID, err := pathIDs(r)
	if err != nil {
		return err
	}
	ctx, userID := r.Context(), auth.Caller(r).UserID
	ic, err := s.store.get(ctx, courseID, itemID, 0)
	if err != nil {
		return err
	}
	entitled := false
	if !ic.Course.isOwner(userID) {
		if entitled, err = s.store.entitled(ctx, userID, courseID, 0); err != nil {
			return err
		}
	}
	if !ic.Course.maySee(userID, entitled) {
		return ErrNotEntitled
	}
	list := CaptionList{Captions: []CaptionView{}}
	if ic.Item.Kind == coursemsg.KindVideo {
		if list.Captions, err = s.store.captionList(ctx, courseID, itemID, 0); err != nil {
			return err
		}
	}
	for i := range list.Captions {
		list.Captions[i].Published = ic.Item.StreamUploadID != ""
	}
	httpx.WriteJSON(w, http.StatusOK, list)
	return nil
}

// deleteCaption deletes an item's caption in the path's language (the
// course's tutor only), then rewrites the serving ladder's master playlist
// without it and removes the ladder's copy of the file. Both are best
// effort once the caption is gone: a copy left behind is listed nowhere and
// goes with its ladder.
func (s *Service) deleteCaption(w http.ResponseWriter, r *http.Request) error {
	courseID, itemID, err := pathIDs(r)
	if err != nil {
		return err
	}
	lang, err := stream.CaptionLanguage(r.PathValue("language"))
	if err != nil {
		return err
	}
	ctx := r.Context()
	it, prefix, err := s.store.deleteCaption(ctx, courseID, itemID, auth.Caller(r).UserID, lang)
	if err != nil {
		return err
	}
	if prefix != "" && s.republish(ctx, it) {
		for _, name := range []string{stream.CaptionVTTName(lang), stream.CaptionPlaylistName(lang)} {
			if err := s.objects.delete(ctx, prefix+name, 0); err != nil {
				s.log.WarnContext(ctx, "deleted caption's file left in its ladder", "object", prefix+name, "err", err.Error())
			}
		}
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// republish rewrites the captions and master playlist of the ladder that
// serves it, after a caption changed. It reports whether it did; a failure
// is logged, never returned (the caption is stored: the answer stands).
func (s *Service) republish(ctx context.Context, it Item) bool {
	if it.StreamUploadID == "" || s.transcoder == nil {
		return false
	}
	log := s.log.With("item_id", it.ItemID, "upload_id", it.StreamUploadID)
	st, err := s.store.getStream(ctx, it.StreamUploadID)
	if err != nil || st.Outputs == nil {
		log.WarnContext(ctx, "captions not published: the serving ladder is unreadable", "err", errString(err))
		return false
	}
	caps, err := s.store.captionFiles(ctx, it.CourseID, it.ItemID)
	if err == nil {
		err = stream.Publish(ctx, s.media, st.OutputPrefix, *st.Outputs, caps)
	}
	if err != nil {
		log.WarnContext(ctx, "captions not published", "err", err.Error())
		return false
	}
	return true
}

func errString(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}
