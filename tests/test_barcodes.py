"""Tests for sync.protocol.barcodes: what the till makes of each scanned code."""

import json
import tomllib

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sync.protocol.barcodes import (
    DEFAULT_RULES,
    KINDS,
    BarcodeRules,
    ScaleLayout,
    Scan,
    classify,
    ean_check_digit,
    gs1_price_check_digit,
    rules_from_config,
)

# No scale layouts: every 13-digit code is read as an EAN-13, whatever its prefix.
NO_SCALE = BarcodeRules(layouts=())

# An 18-digit weighed-label layout with prefix 26, as some Chinese label scales print.
# 2 prefix + 9 PLU + 1 weight check + 5 grams + 1 check digit = 18.
LONG_LABEL = ScaleLayout(
    length=18,
    plu_digits=9,
    price_check=True,
    value_digits=5,
    price_prefixes=(),
    weight_prefixes=("26",),
)


def with_check(body: str) -> str:
    """The body followed by its correct EAN check digit."""
    return body + str(ean_check_digit(body))


def long_label(plu: str, grams: str) -> str:
    """A valid 18-digit LONG_LABEL code for the given PLU and weight."""
    return with_check("26" + plu + str(gs1_price_check_digit(grams)) + grams)


def flip_last(code: str) -> str:
    """The code with a wrong last (check) digit."""
    return code[:-1] + str((int(code[-1]) + 1) % 10)


# --- packaged goods ------------------------------------------------------------------


def test_known_good_ean13_is_valid_with_padded_gtin():
    scan = classify("4006381333931")
    assert (scan.kind, scan.valid, scan.gtin) == ("ean13", True, "04006381333931")
    assert scan.error is None


def test_chinese_ean13_with_right_check_digit_is_valid():
    """6901234567892: 690 is a GS1 China prefix; the check digit 2 was worked out by hand."""
    scan = classify("6901234567892")
    assert (scan.kind, scan.valid, scan.gtin) == ("ean13", True, "06901234567892")


def test_ean13_with_wrong_check_digit_names_the_expected_digit():
    scan = classify("6901234567890")
    assert (scan.kind, scan.valid, scan.gtin) == ("ean13", False, None)
    assert scan.error == (
        "Check digit is wrong for EAN-13 6901234567890 (expected 2): "
        "rescan, or type the code again."
    )


def test_known_good_ean8_is_valid():
    scan = classify("96385074")
    assert (scan.kind, scan.valid, scan.gtin) == ("ean8", True, "00000096385074")


def test_ean8_with_wrong_check_digit_names_the_expected_digit():
    scan = classify("96385070")
    assert (scan.kind, scan.valid) == ("ean8", False)
    assert "EAN-8 96385070 (expected 4)" in scan.error


def test_known_good_upca_is_valid():
    scan = classify("036000291452")
    assert (scan.kind, scan.valid, scan.gtin) == ("upca", True, "00036000291452")


def test_upca_with_wrong_check_digit_names_the_expected_digit():
    scan = classify("036000291453")
    assert (scan.kind, scan.valid) == ("upca", False)
    assert "UPC-A 036000291453 (expected 2)" in scan.error


def test_upca_and_its_ean13_form_find_the_same_product():
    assert classify("036000291452").gtin == classify("0036000291452").gtin


def test_gtin14_starting_with_zero_is_the_same_item_as_its_ean13():
    scan = classify("00036000291452")
    assert (scan.kind, scan.valid, scan.gtin) == ("ean13", True, "00036000291452")
    assert scan.code == "00036000291452"


def test_gtin14_with_wrong_check_digit_names_the_expected_digit():
    scan = classify("00036000291453")
    assert (scan.kind, scan.valid) == ("ean13", False)
    assert "GTIN-14 00036000291453 (expected 2)" in scan.error


def test_carton_gtin14_is_unknown_and_says_to_scan_the_item():
    scan = classify(with_check("1003600029145"))
    assert (scan.kind, scan.valid) == ("unknown", False)
    assert "carton" in scan.error and "scan the barcode on the item" in scan.error


@given(st.text(alphabet="0123456789", min_size=12, max_size=12))
def test_any_body_with_its_check_digit_is_a_valid_ean13(body):
    scan = classify(with_check(body), NO_SCALE)
    assert (scan.kind, scan.valid) == ("ean13", True)


@given(
    st.text(alphabet="0123456789", min_size=12, max_size=12),
    st.integers(min_value=0, max_value=12),
    st.integers(min_value=1, max_value=9),
)
def test_changing_any_one_digit_of_an_ean13_makes_it_invalid(body, position, shift):
    code = with_check(body)
    changed = code[:position] + str((int(code[position]) + shift) % 10) + code[position + 1 :]
    scan = classify(changed, NO_SCALE)
    assert (scan.kind, scan.valid) == ("ean13", False)


# --- scale labels ------------------------------------------------------------------------


def test_weighed_label_gives_grams_and_plu():
    code = with_check("21" + "00123" + "00450")
    scan = classify(code)
    assert (scan.kind, scan.valid, scan.plu, scan.weight_g) == ("weighed", True, "00123", 450)
    assert scan.price_fen is None and scan.gtin is None


def test_priced_label_gives_fen_and_plu():
    code = with_check("20" + "00123" + "01280")
    scan = classify(code)
    assert (scan.kind, scan.valid, scan.plu, scan.price_fen) == ("priced", True, "00123", 1280)
    assert scan.weight_g is None


def test_every_default_weight_prefix_is_a_weighed_label():
    for prefix in range(21, 30):
        assert classify(with_check(f"{prefix}0012300450")).kind == "weighed"


def test_default_layout_reads_prefix_20_as_a_label_not_an_ean13():
    code = with_check("200123401280")
    assert classify(code).kind == "priced"
    assert classify(code, NO_SCALE).kind == "ean13"


def test_weighed_label_with_wrong_check_digit_says_to_reweigh():
    code = flip_last(with_check("21" + "00123" + "00450"))
    scan = classify(code)
    assert (scan.kind, scan.valid, scan.plu, scan.weight_g) == ("weighed", False, "00123", None)
    expected = ean_check_digit(code[:-1])
    assert scan.error == (
        f"Check digit is wrong on weighed label {code} (expected {expected}): "
        "rescan, or re-weigh the item and print a new label."
    )


def test_priced_label_with_wrong_check_digit_says_to_reprint():
    code = flip_last(with_check("20" + "00123" + "01280"))
    scan = classify(code)
    assert (scan.kind, scan.valid, scan.price_fen) == ("priced", False, None)
    assert "Check digit is wrong on priced label" in scan.error
    assert "reprint the label" in scan.error


def test_zero_weight_label_is_invalid():
    scan = classify(with_check("21" + "00123" + "00000"))
    assert (scan.kind, scan.valid, scan.weight_g) == ("weighed", False, 0)
    assert "0 g" in scan.error and "re-weigh" in scan.error


def test_zero_price_label_is_invalid():
    scan = classify(with_check("20" + "00123" + "00000"))
    assert (scan.kind, scan.valid, scan.price_fen) == ("priced", False, 0)
    assert "price of 0" in scan.error


def test_price_check_layout_with_five_digit_price_is_valid():
    layout = ScaleLayout(plu_digits=4, price_check=True, value_digits=5)
    rules = BarcodeRules(layouts=(layout,))
    code = with_check("20" + "0123" + str(gs1_price_check_digit("01280")) + "01280")
    scan = classify(code, rules)
    assert (scan.kind, scan.valid, scan.plu, scan.price_fen) == ("priced", True, "0123", 1280)


def test_price_check_layout_with_four_digit_weight_is_valid():
    layout = ScaleLayout(plu_digits=5, price_check=True, value_digits=4)
    rules = BarcodeRules(layouts=(layout,))
    code = with_check("23" + "00042" + str(gs1_price_check_digit("0875")) + "0875")
    scan = classify(code, rules)
    assert (scan.kind, scan.valid, scan.plu, scan.weight_g) == ("weighed", True, "00042", 875)


def test_wrong_price_check_digit_is_named_even_when_the_ean_check_digit_is_right():
    layout = ScaleLayout(plu_digits=4, price_check=True, value_digits=5)
    rules = BarcodeRules(layouts=(layout,))
    right = gs1_price_check_digit("01280")
    wrong = (right + 1) % 10
    code = with_check("20" + "0123" + str(wrong) + "01280")
    scan = classify(code, rules)
    assert (scan.kind, scan.valid, scan.price_fen) == ("priced", False, None)
    assert scan.error == (
        f"Price check digit is wrong on priced label {code} (expected {right}): "
        "rescan, or reprint the label."
    )


def test_wrong_weight_check_digit_says_to_reweigh():
    code = long_label("000000123", "00450")
    tampered = with_check(code[:11] + str((int(code[11]) + 1) % 10) + code[12:17])
    scan = classify(tampered, BarcodeRules(layouts=(LONG_LABEL,)))
    assert (scan.kind, scan.valid) == ("weighed", False)
    assert scan.error.startswith("Weight check digit is wrong on weighed label")
    assert "re-weigh" in scan.error


def test_gs1_price_check_digit_matches_the_published_worked_examples():
    """GS1 General Specifications, price/weight check digit worked examples.

    4-digit 2875: 2- of 2 = 4, 2- of 8 = 5, 3 of 7 = 1, 5- of 5 = 3; 13 x 3 = 39 -> 9.
    5-digit 14685: 5+ of 1 = 5, 2- of 4 = 8, 5- of 6 = 7, 5+ of 8 = 4, 2- of 5 = 9;
    sum 33, 40 - 33 = 7, and 6 is the digit whose 5- product is 7 -> 6.
    Checked by hand against the product tables and against the published examples.
    """
    assert gs1_price_check_digit("2875") == 9
    assert gs1_price_check_digit("14685") == 6


def _weighted(digit: int, factor: int, tens: int) -> int:
    """GS1 weighted product: digit x factor, plus (+1) or minus (-1) its tens digit, units kept."""
    product = digit * factor
    return (product + tens * (product // 10)) % 10


def test_gs1_price_check_digit_agrees_with_the_weighting_rule_for_every_value():
    """Rebuild the product tables from the rule in the spec and check all 4- and 5-digit values."""
    four = ((2, -1), (2, -1), (3, 0), (5, -1))
    five = ((5, 1), (2, -1), (5, -1), (5, 1), (2, -1))
    for n in range(10_000):
        value = f"{n:04d}"
        total = sum(_weighted(int(d), f, t) for d, (f, t) in zip(value, four, strict=True))
        assert gs1_price_check_digit(value) == total * 3 % 10
    for n in range(100_000):
        value = f"{n:05d}"
        total = sum(_weighted(int(d), f, t) for d, (f, t) in zip(value, five, strict=True))
        check = gs1_price_check_digit(value)
        assert (total + _weighted(check, 5, -1)) % 10 == 0


def test_check_digit_functions_reject_bad_input():
    with pytest.raises(ValueError):
        ean_check_digit("")
    with pytest.raises(ValueError):
        ean_check_digit("12a4")
    with pytest.raises(ValueError, match="4- or 5-digit"):
        gs1_price_check_digit("123")
    with pytest.raises(ValueError, match="4- or 5-digit"):
        gs1_price_check_digit("123456")


# --- payment codes -------------------------------------------------------------------------


def _digits(prefix: str, length: int) -> str:
    """A code of the given length that starts with prefix."""
    return (prefix + "48293017563849201736459102")[:length]


@pytest.mark.parametrize("prefix", ["10", "11", "12", "13", "14", "15"])
def test_wechat_pay_code_is_18_digits_starting_10_to_15(prefix):
    scan = classify(_digits(prefix, 18))
    assert (scan.kind, scan.valid, scan.is_payment) == ("wechat_pay", True, True)
    assert scan.as_dict() == {"code": _digits(prefix, 18), "kind": "wechat_pay", "valid": True}


@pytest.mark.parametrize("prefix", ["09", "16"])
def test_18_digits_outside_wechat_prefixes_is_not_wechat_pay(prefix):
    assert classify(_digits(prefix, 18)).kind == "unknown"


@pytest.mark.parametrize("length", [17, 19])
def test_wechat_prefix_with_wrong_length_is_not_wechat_pay(length):
    assert classify(_digits("13", length)).kind == "unknown"


@pytest.mark.parametrize("length", [16, 18, 24])
@pytest.mark.parametrize("prefix", ["25", "28", "30"])
def test_alipay_code_is_16_to_24_digits_starting_25_to_30(prefix, length):
    scan = classify(_digits(prefix, length))
    assert (scan.kind, scan.valid, scan.is_payment) == ("alipay", True, True)


@pytest.mark.parametrize("length", [15, 25])
def test_alipay_prefix_outside_16_to_24_digits_is_not_alipay(length):
    assert classify(_digits("28", length)).kind == "unknown"


@pytest.mark.parametrize("prefix", ["24", "31"])
def test_prefixes_just_outside_25_to_30_are_not_alipay(prefix):
    assert classify(_digits(prefix, 18)).kind == "unknown"


# --- overlap between scale labels and payment codes --------------------------------------


def test_overlap_scale_reads_an_18_digit_prefix_26_code_as_a_label():
    code = long_label("000000123", "00450")
    scan = classify(code, BarcodeRules(layouts=(LONG_LABEL,), overlap="scale"))
    assert (scan.kind, scan.valid, scan.plu, scan.weight_g) == ("weighed", True, "000000123", 450)


def test_overlap_payment_reads_the_same_code_as_alipay():
    code = long_label("000000123", "00450")
    scan = classify(code, BarcodeRules(layouts=(LONG_LABEL,), overlap="payment"))
    assert (scan.kind, scan.valid) == ("alipay", True)


def test_overlap_defaults_to_scale():
    assert BarcodeRules().overlap == "scale"
    code = long_label("000000123", "00450")
    assert classify(code, BarcodeRules(layouts=(LONG_LABEL,))).kind == "weighed"


def test_overlap_scale_turns_a_customers_alipay_code_into_a_failed_label():
    """The cost of overlap = "scale": a real Alipay code with that prefix is read as a label."""
    alipay = flip_last(long_label("482930175", "63849"))
    assert classify(alipay).kind == "alipay"
    scan = classify(alipay, BarcodeRules(layouts=(LONG_LABEL,)))
    assert (scan.kind, scan.valid) == ("weighed", False)


def test_codes_outside_the_overlap_are_unaffected_by_the_overlap_setting():
    for overlap in ("scale", "payment"):
        rules = BarcodeRules(layouts=(ScaleLayout(), LONG_LABEL), overlap=overlap)
        assert classify(_digits("27", 18), rules).kind == "alipay"
        assert classify(_digits("26", 20), rules).kind == "alipay"
        assert classify(with_check("2100123" + "00450"), rules).kind == "weighed"


def test_default_13_digit_layout_never_overlaps_payment_codes():
    shortest_payment = min(DEFAULT_RULES.wechat_lengths[0], DEFAULT_RULES.alipay_lengths[0])
    assert all(layout.length < shortest_payment for layout in DEFAULT_RULES.layouts)


# --- input clean-up and unknown codes -------------------------------------------------------


@pytest.mark.parametrize("raw", ["4006381333931\r\n", "  4006381333931\n", "\t4006381333931 "])
def test_surrounding_whitespace_and_crlf_are_stripped(raw):
    scan = classify(raw)
    assert (scan.code, scan.kind, scan.valid) == ("4006381333931", "ean13", True)


def test_full_width_digits_typed_with_a_chinese_input_method_count_as_digits():
    scan = classify("４００６３８１３３３９３１")
    assert (scan.code, scan.kind, scan.valid) == ("4006381333931", "ean13", True)


def test_non_digit_input_is_unknown_with_a_sentence():
    scan = classify("ABC")
    assert (scan.kind, scan.valid) == ("unknown", False)
    assert (
        scan.error == "Not a barcode this terminal knows: 'ABC' has characters other than digits."
    )


@pytest.mark.parametrize("raw", ["6901234 567892", "690123456789²", "-4006381333931"])
def test_spaces_signs_and_superscripts_inside_a_code_are_not_digits(raw):
    scan = classify(raw)
    assert (scan.kind, scan.valid) == ("unknown", False)
    assert "characters other than digits" in scan.error


@pytest.mark.parametrize("raw", ["", "   ", "\r\n"])
def test_empty_input_is_unknown_with_a_sentence(raw):
    scan = classify(raw)
    assert (scan.code, scan.kind, scan.valid) == ("", "unknown", False)
    assert scan.error


@pytest.mark.parametrize("code", ["1", "1234567", "1234567890", "12345678901", "123456789012345"])
def test_lengths_no_rule_covers_are_unknown_and_say_how_many_digits(code):
    scan = classify(code)
    assert (scan.kind, scan.valid) == ("unknown", False)
    assert f"has {len(code)} digits" in scan.error


# --- Scan ----------------------------------------------------------------------------------


def test_as_dict_for_a_product_has_only_the_keys_that_apply():
    assert classify("4006381333931").as_dict() == {
        "code": "4006381333931",
        "kind": "ean13",
        "valid": True,
        "gtin": "04006381333931",
    }


def test_as_dict_for_a_weighed_label_has_plu_and_weight_only():
    code = with_check("21" + "00123" + "00450")
    assert classify(code).as_dict() == {
        "code": code,
        "kind": "weighed",
        "valid": True,
        "plu": "00123",
        "weight_g": 450,
    }


def test_as_dict_for_an_invalid_scan_has_the_error_and_is_json_ready():
    data = classify("6901234567890").as_dict()
    assert list(data) == ["code", "kind", "valid", "error"]
    assert json.loads(json.dumps(data)) == data


def test_as_dict_keeps_a_zero_weight_because_it_applies():
    data = classify(with_check("21" + "00123" + "00000")).as_dict()
    assert data["weight_g"] == 0 and data["valid"] is False


def test_is_product_and_is_payment_follow_the_kind():
    assert classify("4006381333931").is_product
    assert classify("6901234567890").is_product  # a product kind, even though not valid
    assert not classify("4006381333931").is_payment
    assert classify(_digits("13", 18)).is_payment
    assert not classify(_digits("13", 18)).is_product
    unknown = classify("ABC")
    assert not unknown.is_product and not unknown.is_payment


def test_every_scan_kind_is_listed_in_kinds():
    codes = ["4006381333931", "96385074", "036000291452", "ABC", _digits("10", 18)]
    codes += [_digits("25", 16), with_check("2000123" + "01280"), with_check("2100123" + "00450")]
    assert {classify(code).kind for code in codes} == set(KINDS)


def test_scan_refuses_a_kind_not_in_kinds():
    with pytest.raises(ValueError, match="kind"):
        Scan("123", "qr", False)


# --- layouts and rules ---------------------------------------------------------------------


def test_layout_whose_digits_do_not_add_up_is_refused_with_the_sum():
    with pytest.raises(ValueError, match="add up to 14 .* but length is 13"):
        ScaleLayout(plu_digits=6)


def test_price_check_needs_a_four_or_five_digit_value():
    with pytest.raises(ValueError, match="value_digits of 4 or 5"):
        ScaleLayout(length=15, plu_digits=4, price_check=True, value_digits=6)


def test_layout_prefix_must_have_prefix_digits_digits():
    with pytest.raises(ValueError, match="must be 2 digits"):
        ScaleLayout(price_prefixes=("2",))


def test_layout_prefix_cannot_be_both_priced_and_weighed():
    with pytest.raises(ValueError, match="both price_prefixes and weight_prefixes"):
        ScaleLayout(price_prefixes=("20", "21"))


def test_two_layouts_claiming_the_same_codes_are_refused():
    with pytest.raises(ValueError, match="Two scale layouts"):
        BarcodeRules(layouts=(ScaleLayout(), ScaleLayout(weight_prefixes=("21",))))


def test_overlap_must_be_scale_or_payment():
    with pytest.raises(ValueError, match='"scale" or "payment"'):
        BarcodeRules(overlap="both")


def test_wechat_and_alipay_patterns_may_not_overlap():
    with pytest.raises(ValueError, match="overlap"):
        BarcodeRules(alipay_prefixes=("13",))


BOOTH_TOML = """
[barcode]
overlap = "payment"
wechat_prefixes = ["10", "11", "12", "13", "14", "15"]
alipay_lengths = [16, 24]

[[barcode.layouts]]
price_prefixes = ["20"]
weight_prefixes = ["21", "22"]

[[barcode.layouts]]
length = 18
prefix_digits = 2
plu_digits = 9
price_check = true
value_digits = 5
price_prefixes = []
weight_prefixes = ["26"]
"""


def test_rules_from_config_reads_the_barcode_table_of_booth_toml():
    rules = rules_from_config(tomllib.loads(BOOTH_TOML)["barcode"])
    assert rules.overlap == "payment"
    assert rules.layouts == (ScaleLayout(weight_prefixes=("21", "22")), LONG_LABEL)
    assert rules.alipay_lengths == (16, 24)
    assert rules.wechat_lengths == DEFAULT_RULES.wechat_lengths
    assert classify(long_label("000000123", "00450"), rules).kind == "alipay"
    assert classify(with_check("2300123" + "00450"), rules).kind == "ean13"


def test_rules_from_config_with_an_empty_table_gives_the_defaults():
    assert rules_from_config({}) == DEFAULT_RULES


def test_rules_from_config_with_no_layouts_turns_scale_labels_off():
    rules = rules_from_config({"layouts": []})
    assert classify(with_check("2100123" + "00450"), rules).kind == "ean13"


def test_rules_from_config_names_an_unknown_key_and_suggests_the_right_one():
    with pytest.raises(ValueError, match="Unknown setting 'overlaps'.*Did you mean 'overlap'"):
        rules_from_config({"overlaps": "scale"})


def test_rules_from_config_names_an_unknown_layout_key_and_its_entry():
    with pytest.raises(
        ValueError, match=r"Unknown setting 'plu_digit' in \[\[barcode.layouts\]\] entry 2"
    ):
        rules_from_config({"layouts": [{}, {"plu_digit": 4}]})


@pytest.mark.parametrize(
    ("cfg", "message"),
    [
        ({"overlap": 1}, "overlap must be quoted text"),
        ({"wechat_prefixes": [10, 11]}, "wechat_prefixes must be a list of quoted digit strings"),
        ({"alipay_lengths": [16]}, "alipay_lengths must be two whole numbers"),
        ({"alipay_lengths": [16, "24"]}, "alipay_lengths must be a whole number"),
        ({"layouts": {"length": 13}}, "layouts must be a list"),
        ({"layouts": ["13"]}, "entry 1 must be a table"),
        ({"layouts": [{"length": "13"}]}, "entry 1: length must be a whole number"),
        ({"layouts": [{"length": True}]}, "entry 1: length must be a whole number"),
        ({"layouts": [{"price_check": "yes"}]}, "entry 1: price_check must be true or false"),
        ({"layouts": [{"weight_prefixes": "21"}]}, "weight_prefixes must be a list"),
    ],
)
def test_rules_from_config_explains_wrong_types(cfg, message):
    with pytest.raises(ValueError, match=message):
        rules_from_config(cfg)


def test_rules_from_config_names_the_layout_entry_whose_digits_do_not_add_up():
    with pytest.raises(ValueError, match=r"entry 1: Scale layout digits add up to 19"):
        rules_from_config({"layouts": [{"length": 18, "plu_digits": 11}]})


def test_rules_from_config_refuses_something_that_is_not_a_table():
    with pytest.raises(ValueError, match="barcode must be a table"):
        rules_from_config(["overlap"])
