//! End-to-end in a pseudo-terminal: creating a custom persona in `--demo` — the form,
//! the 300-credit confirmation showing the balance, the balance dropping by 300 and the
//! persona appearing in the list, marked, without a restart.

use std::time::Duration;

use crate::support::pty::Pty;

const WAIT: Duration = Duration::from_secs(20);

#[test]
fn a_custom_persona_is_created_in_the_demo_after_confirming_300_credits() {
    let home = tempfile::tempdir().expect("home");
    let mut pty = Pty::spawn(home.path(), &["--demo"], &[], 120, 40);
    pty.wait_text("Gen Z Consumer", WAIT);
    pty.send("n");
    pty.wait_text("New custom persona", WAIT);
    pty.type_text("Eco Parent");
    pty.send("\t");
    pty.type_text("Parents who buy green");
    pty.send("\t");
    pty.type_text("B2C");
    pty.send("\t");
    pty.send("\r");
    let screen = pty.wait_text("Spend them?", WAIT);
    assert!(
        screen.contains("costs 300 credits (balance 5000 credits)"),
        "{screen}"
    );
    assert!(
        !screen.contains("Eco Parent ·custom"),
        "nothing created before confirming"
    );
    pty.send("y");
    let screen = pty.wait_text("4,700 / 5,000 credits", WAIT);
    let screen = if screen.contains("Eco Parent ·custom") {
        screen
    } else {
        pty.wait_text("Eco Parent ·custom", WAIT)
    };
    assert!(screen.contains("Eco Parent"), "{screen}");
    pty.send("\x11");
    assert_eq!(pty.wait_exit(WAIT), 0);
    pty.assert_restored();
}

#[test]
fn persona_create_on_a_terminal_shows_the_price_and_the_balance_and_no_spends_nothing() {
    let home = tempfile::tempdir().expect("home");
    let args = [
        "--demo",
        "persona",
        "create",
        "--name",
        "Eco Parent",
        "--description",
        "Parents",
    ];
    let mut pty = Pty::command(home.path(), &args, &[]);
    let screen = pty.wait_text("Type yes to confirm", WAIT);
    assert!(
        screen.contains("It costs 300 credits (balance: 5000 credits)"),
        "{screen}"
    );
    pty.type_text("no\r");
    let screen = pty.wait_text("not created: nothing was spent", WAIT);
    assert!(!screen.contains("created Eco Parent ("), "{screen}");
    assert_eq!(pty.wait_exit(WAIT), 2);
}
