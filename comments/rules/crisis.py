"""Crisis language in a comment's text: self-harm, suicidal intent, an overdose in progress.

A list of first-person (or "my friend just took...") phrases, looked for one sentence at a
time, and a list of signs that a sentence is about something else: research or clinical
talk ("suicidal ideation fell in the trial"), advice to others ("if you feel suicidal,
call..."), the past or recovery ("years ago I wanted to die"), a denial ("I'm not
suicidal"). A phrase counts only in a sentence with none of those signs.

It is a net for moderators and a prompt to show a helpline, not a diagnosis: it misses
what is said in other words (and in other languages) and it holds some jokes. The
corpus in tests/fixtures/crisis_corpus.json measures both; docs/moderation.md says more.
"""

import re

FIRST_PERSON = r"(?:i|i'm|im|i am|i've|ive|i have|i just|i really|i honestly|i only|i still)"
PEOPLE_CLOSE = (
    r"(?:friend|son|daughter|husband|wife|partner|mum|mom|mother|dad|father|brother|sister|"
    r"boyfriend|girlfriend|child|kid|teen|flatmate|roommate)"
)
PILLS = (
    r"(?:pills|tablets|capsules|paracetamol|tylenol|acetaminophen|ibuprofen|aspirin|"
    r"painkillers|sleeping pills|meds|medication|medicine|insulin|antidepressants|"
    r"the bottle|a bottle|the packet|a packet|the box|a box)"
)
LOTS = (
    r"(?:all|the whole|a whole|the entire|every one of|too many|a handful of|a lot of|"
    r"lots of|loads of|double|triple|\d{2,}|twenty|thirty|forty|fifty|a hundred)"
)

CRISIS_PHRASES = [
    # Suicidal intent and the wish to die.
    r"\b(?:kill|killing|unalive|unaliving|hang|hanging) myself\b",
    r"\b(?:end|ending|take|taking) my (?:own )?life\b",
    r"\bend(?:ing)? it all\b",
    rf"\b{FIRST_PERSON}\s+(?:\w+\s+)?"
    r"(?:want|wanna|wish|need|ready|prepared|am going|am ready|'m going)"
    r"\s+(?:to\s+)?(?:die|be dead|not exist|not be here|disappear forever)\b",
    r"\bwish(?:ing)? (?:i|that i) (?:was|were) (?:dead|never born|not alive|gone)\b",
    rf"\b{FIRST_PERSON}\s+(?:\w+\s+)?(?:don't|do not|dont)\s+want\s+to\s+"
    r"(?:live|be alive|be here|wake up|exist|go on)\b",
    r"\b(?:no|no more) (?:reason|point) (?:to|in) (?:live|living|go on|going on|be alive)\b",
    r"\b(?:everyone|they|my family|the world|people) (?:would|will) be better off without me\b",
    r"\bbetter off dead\b",
    r"\b(?:no|don't see the|do not see the|there's no|what's the) point (?:in|of) "
    r"(?:living|being alive|going on|life)\b",
    r"\b(?:wrote|written|writing|left) my (?:suicide )?note\b",
    r"\bthis is goodbye\b",
    r"\b(?:can'?t|cannot) go on (?:any ?more|living|like this)\b",
    rf"\b(?:{FIRST_PERSON}|feeling|been)\s+(?:so |very |really |pretty |quite |a bit |"
    r"kind of |kinda |getting |feeling |feel |still )*suicidal\b",
    r"\b(?:having|have|get|getting|keep having)\s+(?:\w+\s+)?suicidal "
    r"(?:thoughts|feelings|urges)\b",
    rf"\b{FIRST_PERSON}\s+(?:\w+\s+)?(?:going to|gonna|will|plan to|planning to|am planning to|"
    r"want to|intend to|about to|might)\s+"
    r"(?:commit suicide|do it tonight|end it|jump off|jump in front of)\b",
    r"\bthinking (?:about|of) (?:suicide|ending it|ending my life|killing myself)\b",
    r"\b(?:this is|this will be) my (?:last|final) (?:post|message|comment|words)\b",
    r"\bgoodbye (?:everyone|all|world|cruel world)\b",
    r"\bby the time (?:you|anyone) reads? this\b",
    # Self-harm.
    r"\b(?:cut|cutting|burn|burning|hurt|hurting|harm|harming|punish|punishing|starve|"
    r"starving) myself\b",
    rf"\b(?:{FIRST_PERSON}|been|started|start)\s+(?:\w+\s+)?self[- ]?harm(?:ing|ed)?\b",
    r"\bi (?:self[- ]?harm|cut)(?: again| every| most)\b",
    # An overdose in progress: the reader's own, or someone's close to them.
    rf"\b{FIRST_PERSON}\s+(?:just\s+)?(?:took|taken|swallowed|downed|had)\s+(?:\w+\s+){{0,2}}"
    rf"{LOTS}\s+(?:(?:bottle|packet|pack|box|strip|tub)s?\s+)?(?:of\s+)?(?:my\s+|the\s+|his\s+|"
    rf"her\s+)?(?:\w+\s+)?{PILLS}",
    rf"\b{FIRST_PERSON}\s+(?:just\s+)?(?:overdosed|taken an overdose|took an overdose|od'd)\b",
    rf"\b(?:my|our)\s+(?:\w+\s+)?{PEOPLE_CLOSE}\s+(?:has\s+|have\s+|just\s+)*(?:overdosed|"
    rf"taken an overdose|took an overdose|took {LOTS}|swallowed {LOTS}|swallowed a bottle)",
    rf"\b(?:my|our)\s+(?:\w+\s+)?{PEOPLE_CLOSE}\s+(?:is|'s)\s+(?:going|threatening|trying)\s+"
    r"to (?:kill|hurt) (?:himself|herself|themselves)\b",
]

# Signs that a sentence talks about crisis without being one.
NOT_A_CRISIS = [
    # Research and clinical talk.
    r"\b(?:ideation|trials?|stud(?:y|ies)|participants|patients|placebo|cohort|researchers?|"
    r"prevalence|per ?cent|randomi[sz]ed|meta-analysis|rates? of|risk of|associated with|"
    r"side effects?|black box|warnings?|label|clinicians?|screening|assessment)\b",
    r"\d\s?%",
    # Advice or talk about others in general.
    r"\b(?:if you|if someone|if anyone|anyone (?:who|feeling|having)|someone who|"
    r"people who|those who|for anyone)\b",
    # The past and recovery.
    r"\b(?:used to|years ago|months ago|weeks ago|in the past|no longer|not any ?more|"
    r"back then|when (?:i|he|she|they) (?:was|were) (?:younger|a teen|a teenager|at school|"
    r"in college|little|\d+)|last year|"
    r"recovered|recovery|in remission|survivor|since then|went away|gone away|"
    r"(?:has|have|had|really|finally|it) helped|helped me (?:stop|get|through|with)|"
    r"stopped (?:wanting|feeling|having))\b",
    # A figure of speech.
    r"\bkill(?:ing)? myself (?:laughing|with laughter)\b",
    # A denial.
    r"\b(?:not|never|no longer) (?:been |feeling |feel |felt )?suicidal\b",
    r"\b(?:would never|will never|never (?:tried|attempted|wanted|thought)|"
    r"not (?:going|gonna|planning|trying) to|no (?:plans?|intention|thoughts) (?:of|to))\b",
]

_CRISIS = re.compile("|".join(f"(?:{phrase})" for phrase in CRISIS_PHRASES), re.IGNORECASE)
_NOT_A_CRISIS = re.compile("|".join(f"(?:{sign})" for sign in NOT_A_CRISIS), re.IGNORECASE)
# Sentences end at . ! ? or a line break; typographic apostrophes count as plain ones.
_SENTENCE_END = re.compile(r"[.!?\n]+")


def find_crisis(text):
    """The first crisis phrase in ``text`` (as written), in a sentence with no sign of
    research, advice, the past or a denial; None when there is none."""
    text = text.replace("\u2019", "'")
    if not _CRISIS.search(text):  # most comments: one pass, nothing to split
        return None
    for sentence in _SENTENCE_END.split(text):
        match = _CRISIS.search(sentence)
        if match and not _NOT_A_CRISIS.search(sentence):
            return match.group().strip()
    return None
