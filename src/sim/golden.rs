//! Golden answers of the simulator: twenty answers across personas and prompts, kept as
//! a snapshot so that any change to how the simulated audiences write shows up in
//! review, read as a reader would read them.
//!
//! Owns: the sample (prompts a user would type, a seed, every fifth persona or so).
//! Test-only. Does not own: composing (`voice`) or the grammar (`grammar`).

use super::personas::load;
use super::voice::{compose, AnswerSpec};

const PROMPTS: &[&str] = &[
    "Should we raise prices by 10%?",
    "Would you pay $30 a month for a meal-kit subscription?",
    "Our students want the app to integrate with the EHR. Thoughts?",
    "What do you think of our new running shoes?",
    "How would you react to a free tier with ads?",
];

#[test]
fn twenty_answers_read_like_their_personas() {
    let roster = load(&[], None).expect("the built-in personas");
    let mut out = String::new();
    for (i, persona) in roster.entries.iter().step_by(4).take(4).enumerate() {
        for (j, prompt) in PROMPTS.iter().enumerate() {
            let answer = compose(
                &persona.voice,
                &AnswerSpec {
                    seed: 11,
                    persona_key: &persona.persona.id,
                    prompt,
                    follow_up: (i + j) % 3 == 2,
                    ..AnswerSpec::default()
                },
            );
            out.push_str(&format!(
                "### {} — {prompt}\n\n{answer}\n\n",
                persona.persona.name
            ));
        }
    }
    insta::assert_snapshot!("golden_answers", out);
}
