package stream

import (
	"errors"
	"fmt"
	"io"
)

// ErrNoPTS is wrapped by FirstPTS's error when the segment holds no
// presentation time to read.
var ErrNoPTS = errors.New("no PES presentation time")

// maxFirstSegment bounds what FirstPTS reads.
const maxFirstSegment = 64 << 20

// FirstPTS reads an MPEG-TS segment (the first of a video rung) and returns
// the earliest presentation time, in 90 kHz units, of its video stream (of
// any stream when it has no video): the MPEGTS value of the captions'
// X-TIMESTAMP-MAP (HLSCaption), since cue time 0 is the video's first
// frame. Transcoders do not start at 0 (ffmpeg starts near 1.4 s).
func FirstPTS(r io.Reader) (int64, error) {
	const packetLen = 188
	pkt := make([]byte, packetLen)
	pmtPIDs := map[uint16]bool{}
	video := map[uint16]bool{}
	sawPMT := false
	first := map[uint16]int64{} // per PID, earliest PTS
	var read int64
	for read < maxFirstSegment {
		if _, err := io.ReadFull(r, pkt); err != nil {
			if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
				break
			}
			return 0, fmt.Errorf("stream: reading the segment: %w", err)
		}
		read += packetLen
		if pkt[0] != 0x47 {
			return 0, fmt.Errorf("stream: not an MPEG-TS segment: no sync byte at %d", read-packetLen)
		}
		pusi := pkt[1]&0x40 != 0
		pid := uint16(pkt[1]&0x1f)<<8 | uint16(pkt[2])
		payload := pkt[4:]
		switch (pkt[3] >> 4) & 3 {
		case 1: // payload only
		case 3: // adaptation field then payload
			if int(pkt[4]) >= len(payload)-1 {
				continue
			}
			payload = payload[1+int(pkt[4]):]
		default:
			continue
		}
		if !pusi {
			continue
		}
		switch {
		case pid == 0: // PAT: program number -> PMT PID
			for _, e := range psiEntries(payload, 4) {
				if prog := uint16(e[0])<<8 | uint16(e[1]); prog != 0 {
					pmtPIDs[uint16(e[2]&0x1f)<<8|uint16(e[3])] = true
				}
			}
		case pmtPIDs[pid]:
			sawPMT = true
			for pid, st := range pmtStreams(payload) {
				switch st {
				case 0x01, 0x02, 0x10, 0x1b, 0x24, 0x42: // MPEG-1/2, MPEG-4, H.264, HEVC, AVS
					video[pid] = true
				}
			}
		default:
			if pts, ok := pesPTS(payload); ok {
				if old, seen := first[pid]; !seen || pts < old {
					first[pid] = pts
				}
			}
		}
	}
	best, found := int64(0), false
	for _, onlyVideo := range []bool{true, false} {
		for pid, pts := range first {
			if (!onlyVideo || video[pid]) && (!found || pts < best) {
				best, found = pts, true
			}
		}
		if found || !sawPMT {
			break
		}
	}
	if !found {
		return 0, fmt.Errorf("stream: %w in the segment", ErrNoPTS)
	}
	return best, nil
}

// psiEntries returns the n-byte entries of the PSI section in payload
// (after the pointer field), without the CRC.
func psiEntries(payload []byte, n int) [][]byte {
	sec, ok := psiSection(payload)
	if !ok || len(sec) < 8+4 {
		return nil
	}
	body := sec[8 : len(sec)-4]
	var out [][]byte
	for len(body) >= n {
		out = append(out, body[:n])
		body = body[n:]
	}
	return out
}

// psiSection cuts the section out of a payload starting with a pointer
// field.
func psiSection(payload []byte) ([]byte, bool) {
	if len(payload) < 1 || 1+int(payload[0])+3 > len(payload) {
		return nil, false
	}
	sec := payload[1+int(payload[0]):]
	length := int(sec[1]&0x0f)<<8 | int(sec[2])
	if 3+length > len(sec) {
		return nil, false
	}
	return sec[:3+length], true
}

// pmtStreams returns the PMT's elementary stream types by PID.
func pmtStreams(payload []byte) map[uint16]byte {
	sec, ok := psiSection(payload)
	if !ok || len(sec) < 12+4 {
		return nil
	}
	progInfo := int(sec[10]&0x0f)<<8 | int(sec[11])
	body := sec[12 : len(sec)-4]
	if progInfo > len(body) {
		return nil
	}
	body = body[progInfo:]
	out := map[uint16]byte{}
	for len(body) >= 5 {
		st := body[0]
		pid := uint16(body[1]&0x1f)<<8 | uint16(body[2])
		esInfo := int(body[3]&0x0f)<<8 | int(body[4])
		out[pid] = st
		if 5+esInfo > len(body) {
			break
		}
		body = body[5+esInfo:]
	}
	return out
}

// pesPTS reads the PTS of a PES packet header starting payload.
func pesPTS(p []byte) (int64, bool) {
	if len(p) < 14 || p[0] != 0 || p[1] != 0 || p[2] != 1 || p[7]&0x80 == 0 {
		return 0, false
	}
	b := p[9:14]
	pts := int64(b[0]>>1&0x07)<<30 | int64(b[1])<<22 | int64(b[2]>>1)<<15 | int64(b[3])<<7 | int64(b[4]>>1)
	return pts, true
}
