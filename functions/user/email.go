package user

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/kwipper/kwipper/shared/mail"
)

// Email verification and password reset.
//
// Both email the account a link holding a one-time token: 256 random bits,
// of which only the SHA-256 is stored (EmailTokens), for the address it was
// sent to. A verification link proves the account's owner reads that
// mailbox; a reset link lets them choose a new password, which ends every
// session (and, since it proves the same, verifies the address). A token
// works once, until it expires. The link's token sits in the URL's
// fragment (after #), which browsers never send to a server, so it is not
// in any access log.

// Purposes of emailed tokens.
const (
	purposeVerify = "verify_email"
	purposeReset  = "reset_password"
)

// emailTokenPrefix marks Kwipper's emailed tokens (and their format's
// version).
const emailTokenPrefix = "kwe1"

// newEmailToken returns a fresh emailed token and the hash that is stored.
func newEmailToken() (string, []byte) {
	secret := make([]byte, 32)
	_, _ = rand.Read(secret) // never fails (crypto/rand)
	h := sha256.Sum256(secret)
	return emailTokenPrefix + "." + base64.RawURLEncoding.EncodeToString(secret), h[:]
}

// emailTokenHash is the stored hash of token, ok false for anything this
// service never issued.
func emailTokenHash(token string) ([]byte, bool) {
	rest, ok := strings.CutPrefix(strings.TrimSpace(token), emailTokenPrefix+".")
	if !ok {
		return nil, false
	}
	secret, err := base64.RawURLEncoding.DecodeString(rest)
	if err != nil || len(secret) != 32 {
		return nil, false
	}
	h := sha256.Sum256(secret)
	return h[:], true
}

// emailToken is a stored emailed token.
type emailToken struct {
	UserID, Purpose, Email string
	ExpiresAt              time.Time
	Used                   bool
}

// usable reports whether t may still be used for purpose by the account
// now holding email, at now.
func (t emailToken) usable(purpose, email string, now time.Time) bool {
	return t.Purpose == purpose && !t.Used && now.Before(t.ExpiresAt) && t.Email == email
}

// linkPaths are the web app's pages that take each purpose's token.
var linkPaths = map[string]string{purposeVerify: "/#/verify-email", purposeReset: "/#/reset-password"}

// emailLink is the link of token for purpose, on the web app at base.
func emailLink(base, purpose, token string) string {
	return base + linkPaths[purpose] + "?token=" + url.QueryEscape(token)
}

// emailText is one purpose's email in one language.
type emailText struct {
	Subject string
	// Body is a format of the user's name, the link, and how long it works.
	Body string
}

// emailTexts are the emails in each market's language, by purpose and the
// account's country (ID Bahasa Indonesia, JP Japanese, PH English, MX
// Spanish); English for any other.
var emailTexts = map[string]map[string]emailText{
	purposeVerify: {
		"ID": {"Konfirmasi email Kwipper Anda", "Halo %s,\n\nKonfirmasi alamat email Anda dengan membuka tautan ini:\n\n%s\n\nTautan berlaku selama %s. Jika Anda tidak mendaftar di Kwipper, abaikan email ini.\n\n— Kwipper\n"},
		"JP": {"Kwipper のメールアドレスを確認してください", "%s 様\n\n次のリンクを開いて、メールアドレスを確認してください。\n\n%s\n\nリンクの有効期間は %s です。Kwipper に登録した覚えがない場合は、このメールを無視してください。\n\n— Kwipper\n"},
		"PH": {"Confirm your Kwipper email", "Hi %s,\n\nConfirm your email address by opening this link:\n\n%s\n\nThe link works for %s. If you did not sign up for Kwipper, ignore this email.\n\n— Kwipper\n"},
		"MX": {"Confirma tu correo de Kwipper", "Hola %s:\n\nConfirma tu dirección de correo abriendo este enlace:\n\n%s\n\nEl enlace funciona durante %s. Si no te registraste en Kwipper, ignora este correo.\n\n— Kwipper\n"},
	},
	purposeReset: {
		"ID": {"Atur ulang kata sandi Kwipper Anda", "Halo %s,\n\nSeseorang meminta pengaturan ulang kata sandi akun Kwipper Anda. Untuk memilih kata sandi baru, buka tautan ini:\n\n%s\n\nTautan berlaku selama %s dan hanya sekali. Jika bukan Anda yang meminta, abaikan email ini: kata sandi Anda tidak berubah.\n\n— Kwipper\n"},
		"JP": {"Kwipper のパスワードの再設定", "%s 様\n\nKwipper アカウントのパスワード再設定が依頼されました。新しいパスワードを設定するには、次のリンクを開いてください。\n\n%s\n\nリンクの有効期間は %s で、一度だけ使えます。心当たりがない場合は、このメールを無視してください。パスワードは変更されません。\n\n— Kwipper\n"},
		"PH": {"Reset your Kwipper password", "Hi %s,\n\nSomeone asked to reset the password of your Kwipper account. To choose a new password, open this link:\n\n%s\n\nThe link works once, for %s. If it was not you, ignore this email: your password has not changed.\n\n— Kwipper\n"},
		"MX": {"Restablece tu contraseña de Kwipper", "Hola %s:\n\nAlguien pidió restablecer la contraseña de tu cuenta de Kwipper. Para elegir una nueva, abre este enlace:\n\n%s\n\nEl enlace funciona una sola vez, durante %s. Si no fuiste tú, ignora este correo: tu contraseña no ha cambiado.\n\n— Kwipper\n"},
	},
}

// emailFor is the email of purpose to u with token's link on the web app at
// base, working for ttl.
func emailFor(u User, purpose, base, token string, ttl time.Duration) mail.Message {
	t, ok := emailTexts[purpose][u.Country]
	if !ok {
		t = emailTexts[purpose]["PH"]
	}
	return mail.Message{To: u.Email, Subject: t.Subject, Category: purpose,
		Text: fmt.Sprintf(t.Body, u.DisplayName, emailLink(base, purpose, token), humanTTL(ttl))}
}

// humanTTL writes ttl the way the emails say it: "30 min", "48 h".
func humanTTL(ttl time.Duration) string {
	if ttl >= time.Hour && ttl%time.Hour == 0 {
		return fmt.Sprintf("%d h", int(ttl.Hours()))
	}
	return fmt.Sprintf("%d min", int(ttl.Minutes()))
}
