#!/usr/bin/env python3
"""The official OpenAI Python SDK against a Mavera-compatible server (the simulator).

Usage: MAVERA_BASE_URL=http://127.0.0.1:PORT/api/v1 MAVERA_API_KEY=mvra_live_... \
       python3 tests/sdk_conformance.py

Checks, printing one line per check:
  - persona listing through the SDK's generic GET,
  - non-streaming responses.create with persona_id in extra_body: text and usage,
  - responses.create(stream=True): delta events and a completed event,
  - the responses.stream() helper: get_final_response() has the output text,
  - a bad key raises openai.AuthenticationError.
Exits 0 when all pass; non-zero with a clear message on the first failure.
"""

import os
import sys


class CheckFailed(Exception):
    pass


def check(condition, message):
    if not condition:
        raise CheckFailed(message)


def main():
    try:
        import openai
        from openai import OpenAI
    except ImportError:
        print("FAIL: the openai package is not installed (pip install openai)", file=sys.stderr)
        return 2

    base_url = os.environ.get("MAVERA_BASE_URL")
    api_key = os.environ.get("MAVERA_API_KEY")
    if not base_url or not api_key:
        print("FAIL: set MAVERA_BASE_URL and MAVERA_API_KEY", file=sys.stderr)
        return 2

    # No retries: the simulator must get every request right the first time.
    client = OpenAI(base_url=base_url, api_key=api_key, max_retries=0, timeout=30)
    prompt = "What do you think of a subscription for running shoes?"

    page = client.get("/personas", cast_to=object)
    check(isinstance(page, dict) and page.get("object") == "list", f"persona page is a list object: {page!r:.200}")
    personas = page.get("data") or []
    check(len(personas) >= 14, f"at least 14 personas, got {len(personas)}")
    check(all(isinstance(p.get("id"), str) and p["id"].startswith("c") for p in personas), "persona ids look like CUIDs")
    persona = personas[0]
    print(f"ok personas: {len(personas)} listed, first is {persona['name']!r} ({persona['category']})")
    extra = {"persona_id": persona["id"]}

    r = client.responses.create(model="mavera-1", input=prompt, extra_body=extra)
    check(r.id.startswith("resp_"), f"response id starts with resp_: {r.id}")
    check(r.status == "completed", f"status completed: {r.status}")
    check(len(r.output_text.split()) > 20, f"a real answer: {r.output_text!r:.200}")
    check(r.usage is not None and r.usage.output_tokens > 0, f"usage with output tokens: {r.usage}")
    check(r.usage.total_tokens == r.usage.input_tokens + r.usage.output_tokens, "total = input + output tokens")
    credits = getattr(r.usage, "credits_used", None)
    if credits is None and getattr(r.usage, "model_extra", None):
        credits = r.usage.model_extra.get("credits_used")
    check(credits is not None and 1 <= credits <= 5, f"usage.credits_used in 1..5: {credits}")
    print(f"ok create: {len(r.output_text.split())} words, usage {r.usage.input_tokens}+{r.usage.output_tokens} tokens, {credits} credits")

    multi = client.responses.create(
        model="mavera-1",
        input=[
            {"role": "user", "content": "Should we launch a loyalty app?"},
            {"role": "assistant", "content": "Maybe."},
            {"role": "user", "content": [{"type": "input_text", "text": "What about warehouse robots?"}]},
        ],
        instructions="Focus on cost savings.",
        extra_body=extra,
    )
    check("warehouse robots" in multi.output_text, f"multi-turn answers the last turn: {multi.output_text!r:.200}")
    print("ok create multi-turn: answers the last user turn")

    deltas, completed, kinds = [], None, []
    for event in client.responses.create(model="mavera-1", input=prompt, stream=True, extra_body=extra):
        kinds.append(event.type)
        if event.type == "response.output_text.delta":
            deltas.append(event.delta)
        elif event.type == "response.completed":
            completed = event.response
    check(len(deltas) > 20, f"many delta events: {len(deltas)}")
    check(completed is not None, f"a response.completed event; saw {sorted(set(kinds))}")
    check(kinds[0] == "response.created" and kinds[-1] == "response.completed", f"event order: {kinds[:2]} ... {kinds[-2:]}")
    check(completed.output_text == "".join(deltas), "completed text equals the joined deltas")
    check("".join(deltas) == r.output_text, "streamed and non-streamed answers agree (deterministic)")
    print(f"ok create stream=True: {len(deltas)} delta events, then response.completed")

    with client.responses.stream(model="mavera-1", input=prompt, extra_body=extra) as s:
        seen = 0
        for event in s:
            if event.type == "response.output_text.delta":
                seen += 1
        final = s.get_final_response()
    check(seen > 20, f"the stream helper yields deltas: {seen}")
    check(final.output_text == r.output_text, f"get_final_response has the output text: {final.output_text!r:.120}")
    print(f"ok responses.stream(): {seen} deltas, get_final_response() text matches")

    bad = OpenAI(base_url=base_url, api_key="sk-not-a-mavera-key", max_retries=0, timeout=30)
    try:
        bad.responses.create(model="mavera-1", input="hi", extra_body=extra)
    except openai.AuthenticationError as e:
        code = (e.body or {}).get("code") if isinstance(e.body, dict) else None
        check(e.status_code == 401, f"status 401: {e.status_code}")
        print(f"ok bad key: AuthenticationError (401, code {code})")
    else:
        raise CheckFailed("a bad key did not raise openai.AuthenticationError")

    try:
        client.responses.create(model="gpt-4o", input="hi", extra_body=extra)
    except openai.BadRequestError as e:
        check(e.status_code == 400, f"status 400: {e.status_code}")
        print("ok bad model: BadRequestError (400)")
    else:
        raise CheckFailed("an unknown model did not raise openai.BadRequestError")

    print("all SDK conformance checks passed (personas, create, stream, stream helper, errors)")
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except CheckFailed as e:
        print(f"FAIL: {e}", file=sys.stderr)
        sys.exit(1)
    except Exception as e:  # the SDK raising on something it could not parse, a refused connection...
        print(f"FAIL: {type(e).__name__}: {e}", file=sys.stderr)
        sys.exit(1)
