#!/usr/bin/env python3
"""Checks of reference.py's rules on hand-made closes (standard library only):
    python3 -m unittest scripts/peers/test_reference.py
"""

import sys
import unittest
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import reference  # noqa: E402
import synth  # noqa: E402

U = reference.SCALE


def series(values):
    return [v * U for v in values]


class ReferenceRules(unittest.TestCase):
    def test_parse_and_format_are_exact(self):
        self.assertEqual(reference.parse_units("209.419998"), 209_419_998_000)
        self.assertEqual(reference.format_units(reference.parse_units("167.60")), "167.6")
        self.assertEqual(reference.format_units(100 * U), "100")
        with self.assertRaises(ValueError):
            reference.parse_units("0.0000000001")

    def test_first_signal_is_on_the_31st_bar(self):
        # 30 falling closes then a jump: d goes from < 0 (bar 29) to > 0 at bar 30.
        closes = series([100 - i for i in range(30)] + [300, 300])
        opens = series([50] * 32)
        fills, _ = reference.run(opens, closes)
        self.assertEqual(fills, [(31, "BUY", 100_000 // 50, 50 * U)])

    def test_signal_on_the_last_bar_never_fills(self):
        closes = series([100 - i for i in range(30)] + [300])
        fills, final = reference.run(series([50] * 31), closes)
        self.assertEqual(fills, [])
        self.assertEqual(final["final_equity"], 100_000 * U)

    def test_a_tie_is_neither_and_crossing_through_it_counts(self):
        closes = [100] * 40
        d = [x for x in reference.diffs(series(closes)) if x is not None]
        self.assertTrue(all(x == 0 for x in d))  # all ties: no signal at all
        fills, _ = reference.run(series([100] * 40), series(closes))
        self.assertEqual(fills, [])
        # −, 0, +: from a tie (d = 0) to d > 0 is a cross up.
        closes = [110] * 20 + [90] * 10 + [100] * 10 + [130, 130]
        d = reference.diffs(series(closes))
        self.assertLess(d[29], 0)
        self.assertEqual(d[39], 0)
        self.assertGreater(d[40], 0)
        fills, _ = reference.run(series([100] * len(closes)), series(closes))
        self.assertEqual([f[:2] for f in fills], [(41, "BUY")])

    def test_buy_uses_whole_shares_and_final_value_uses_last_close(self):
        closes = series([100 - i for i in range(30)] + [300, 201])
        opens = [7 * U] * 31 + [3 * U]  # next open 3: floor(100000 / 3) shares
        fills, final = reference.run(opens, closes)
        self.assertEqual(fills[0][2], 33_333)
        self.assertEqual(final["final_cash"], 100_000 * U - 33_333 * 3 * U)
        self.assertEqual(final["final_equity"], final["final_cash"] + 33_333 * 201 * U)

    def test_synth_is_deterministic_and_matches_the_documented_first_bars(self):
        first = list(synth.bars(3))
        self.assertEqual(first[0][1:], (10000, 10002, 10000, 10002, 350))
        self.assertEqual(first[1][1:], (10001, 10003, 9999, 10000, 174))
        self.assertEqual(list(synth.bars(50, 7)), list(synth.bars(50, 7)))


if __name__ == "__main__":
    unittest.main()
