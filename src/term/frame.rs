//! Frame pacing: redraw requests are coalesced and capped.
//!
//! Owns: when the next frame may be drawn. Any number of requests between two frames
//! make one frame; frames are at least `min_interval_ms` apart (about 60 per second);
//! with no request there is no deadline, so an idle screen is never redrawn. Pure: the
//! time is passed in.

/// Milliseconds between frames at 60 frames per second.
pub const FRAME_INTERVAL_MS: u64 = 16;

#[derive(Debug, Clone)]
pub struct FrameScheduler {
    min_interval_ms: u64,
    last_frame: Option<u64>,
    pending: bool,
}

impl FrameScheduler {
    pub fn new(min_interval_ms: u64) -> FrameScheduler {
        FrameScheduler {
            min_interval_ms,
            last_frame: None,
            pending: false,
        }
    }

    /// Something visible changed.
    pub fn request(&mut self) {
        self.pending = true;
    }

    /// When the pending frame may be drawn, or `None` when nothing is pending.
    pub fn deadline(&self, now: u64) -> Option<u64> {
        if !self.pending {
            return None;
        }
        Some(match self.last_frame {
            Some(last) => (last + self.min_interval_ms).max(now),
            None => now,
        })
    }

    /// Whether a frame should be drawn now.
    pub fn due(&self, now: u64) -> bool {
        self.deadline(now).is_some_and(|d| d <= now)
    }

    /// A frame was drawn at `now`.
    pub fn drawn(&mut self, now: u64) {
        self.pending = false;
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
    fn a_late_request_is_drawn_at_once() {
        let mut f = FrameScheduler::new(16);
        f.drawn(0);
        f.request();
        assert_eq!(f.deadline(500), Some(500));
    }
}
