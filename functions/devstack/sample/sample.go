// Package sample holds a real lesson for the local stack: a 10 s video and a
// one-page PDF that the demo data uploads (kwipper-dev dev -demo) and the
// streaming tests transcode. README.md says how they were made.
package sample

import _ "embed"

// LessonMP4 is a 10 s H.264/AAC MP4 (640x360, fast start, 373 KB).
//
//go:embed lesson.mp4
var LessonMP4 []byte

// HandoutPDF is a one-page PDF 1.4 (667 bytes).
//
//go:embed handout.pdf
var HandoutPDF []byte
