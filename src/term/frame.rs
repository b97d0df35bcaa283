//! Frame pacing: redraw requests are coalesced and capped.
//!
//! Owns: when the next frame may be drawn. Any number of requests between two frames
//! make one frame; with no request there is no deadline, so an idle screen is never
//! redrawn. Two kinds of request: what the user did (a key, a resize) is drawn at most
//! `min_interval_ms` after the last frame (about 60 per second), so typing feels
//! instant; text arriving from the network (and the animation tick) only asks for a
//! frame within `STREAM_INTERVAL_MS`, so a model streaming 100 tokens a second costs a
//! few frames of several words each instead of one frame per token, while a word still
//! shows within 50 ms of arriving. Pure: the time is passed in.

/// Milliseconds between frames at 60 frames per second.
pub const FRAME_INTERVAL_MS: u64 = 16;

/// Milliseconds between frames when only streamed text changed: about 21 frames a second,
/// smooth for reading, and a word is on screen at most this long after it arrived.
pub const STREAM_INTERVAL_MS: u64 = 48;

/// The first tick of the stream clock at or after `t` (milliseconds since the app's
/// clock started): streamed text is drawn on these ticks, and the request tasks read
/// their streams just before them (`runtime::executor`), so text that arrived since the
/// last frame is in the next one, never one late — however many streams run.
pub fn stream_tick_after(t: u64) -> u64 {
    t.div_ceil(STREAM_INTERVAL_MS) * STREAM_INTERVAL_MS
}

/// How long before a tick of the stream clock the streams are read: their text reaches
/// the app in time for that tick's frame.
pub const READ_LEAD_MS: u64 = 3;

/// The first instant after `t` at which the streams are read: `READ_LEAD_MS` before a
/// tick. The frame that shows what was read is drawn as soon as it is in (`due_with`),
/// and the animation ticks fall on these instants too, so a streaming answer costs one
/// timer wake-up a tick.
pub fn read_instant_after(t: u64) -> u64 {
    stream_tick_after(t + READ_LEAD_MS + 1) - READ_LEAD_MS
}

#[derive(Debug, Clone)]
pub struct FrameScheduler {
    min_interval_ms: u64,
    last_frame: Option<u64>,
    /// The interval the pending frame waits for: `min_interval_ms` once anything
    /// interactive asked, `STREAM_INTERVAL_MS` while only streamed text did.
    pending: Option<u64>,
}

impl FrameScheduler {
    pub fn new(min_interval_ms: u64) -> FrameScheduler {
        FrameScheduler {
            min_interval_ms,
            last_frame: None,
            pending: None,
        }
    }

    /// Something visible changed because of the user (or anything not streamed text).
    pub fn request(&mut self) {
        self.pending = Some(self.min_interval_ms);
    }

    /// Streamed text changed: it may share a frame with what arrives in the next few
    /// tens of milliseconds.
    pub fn request_stream(&mut self) {
        let interval = STREAM_INTERVAL_MS.max(self.min_interval_ms);
        self.pending = Some(self.pending.map_or(interval, |p| p.min(interval)));
    }

    /// When the pending frame may be drawn, or `None` when nothing is pending.
    pub fn deadline(&self, now: u64) -> Option<u64> {
        let interval = self.pending?;
        Some(match self.last_frame {
            Some(last) if interval >= STREAM_INTERVAL_MS => stream_tick_after(last + interval / 2).max(now),
            Some(last) => (last + interval).max(now),
            None => now,
        })
    }

    /// Whether a frame should be drawn now.
    pub fn due(&self, now: u64) -> bool {
        self.deadline(now).is_some_and(|d| d <= now)
    }

    /// Whether a frame should be drawn now, when streamed text was just read: a frame
    /// due within `READ_LEAD_MS` is drawn at once rather than after a wake-up of its own
    /// (the streams are read that long before the tick their frame is due on).
    pub fn due_with_text(&self, now: u64) -> bool {
        self.due(now + READ_LEAD_MS)
    }

    /// A frame was drawn at `now`.
    pub fn drawn(&mut self, now: u64) {
        self.pending = None;
        self.last_frame = Some(now);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn idle_has_no_deadline() {
        let f = FrameScheduler::new(16);
        assert_eq!(f.deadline(100), None);
        assert!(!f.due(100));
    }

    #[test]
    fn many_requests_make_one_frame_and_frames_are_capped() {
        let mut f = FrameScheduler::new(16);
        f.request();
        assert!(f.due(0), "the first frame is immediate");
        f.drawn(0);
        for _ in 0..100 {
            f.request();
        }
        assert_eq!(f.deadline(5), Some(16));
        assert!(!f.due(5));
        assert!(f.due(16));
        f.drawn(16);
        assert_eq!(f.deadline(17), None);
    }

    #[test]
    fn streamed_text_waits_for_the_stream_interval_and_a_key_cuts_it_short() {
        let mut f = FrameScheduler::new(16);
        f.drawn(0);
        f.request_stream();
        assert_eq!(f.deadline(5), Some(STREAM_INTERVAL_MS));
        assert!(!f.due(16), "a token alone does not make a 60 Hz frame");
        f.request_stream();
        assert_eq!(
            f.deadline(20),
            Some(STREAM_INTERVAL_MS),
            "more tokens join that frame"
        );
        f.request();
        assert_eq!(f.deadline(20), Some(20), "a key is drawn at the 60 Hz cap");
        f.drawn(20);
        f.request();
        f.request_stream();
        assert_eq!(f.deadline(21), Some(36), "a token never delays a key's frame");
        f.drawn(36);
        f.request_stream();
        assert_eq!(
            f.deadline(37),
            Some(2 * STREAM_INTERVAL_MS),
            "streamed text is drawn on the stream clock's ticks, half an interval apart at least"
        );
    }

    #[test]
    fn text_read_before_its_tick_is_drawn_at_once() {
        let mut f = FrameScheduler::new(16);
        f.drawn(0);
        let read = read_instant_after(1);
        assert_eq!(
            read,
            STREAM_INTERVAL_MS - READ_LEAD_MS,
            "read just before the tick"
        );
        assert_eq!(read_instant_after(read), 2 * STREAM_INTERVAL_MS - READ_LEAD_MS);
        f.request_stream();
        assert!(!f.due(read), "the frame's tick has not come");
        assert!(f.due_with_text(read), "but the text for it is in: drawn now");
        assert!(
            !f.due_with_text(read - 1 - STREAM_INTERVAL_MS / 2),
            "never a whole tick early"
        );
        f.drawn(read);
        f.request_stream();
        assert_eq!(
            f.deadline(read + 1),
            Some(2 * STREAM_INTERVAL_MS),
            "the next frame is on the next tick"
        );
        assert!(f.due_with_text(read_instant_after(read)));
    }

    #[test]
    fn a_late_request_is_drawn_at_once() {
        let mut f = FrameScheduler::new(16);
        f.drawn(0);
        f.request();
        assert_eq!(f.deadline(500), Some(500));
    }
}
