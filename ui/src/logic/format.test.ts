import { describe, expect, it } from "vitest";
import { countsByStatus, formatCount, formatDanishDate, formatDanishDateTime, formatScore, label, municipalityLine, oneLineAddress, KIND_LABEL } from "./format";

function check<I, O>(f: (i: I) => O, cases: Array<[I, O, string]>) {
  for (const [input, expected, why] of cases) {
    expect(f(input), `${JSON.stringify(input)}: ${why}`).toBe(expected);
  }
}

describe("formatDanishDateTime", () => {
  it("shows dd.mm.åååå tt:mm in Copenhagen time", () => {
    check(formatDanishDateTime, [
      ["2024-01-15T09:05:00Z", "15.01.2024 10:05", "winter time is UTC+1"],
      ["2024-07-01T22:30:00Z", "02.07.2024 00:30", "summer time is UTC+2 and crosses midnight"],
      ["2024-03-31T00:59:00Z", "31.03.2024 01:59", "just before the spring change"],
      ["2024-03-31T01:00:00Z", "31.03.2024 03:00", "the clock jumps from 02:00 to 03:00"],
      ["2024-12-31T23:00:00+00:00", "01.01.2025 00:00", "an offset form of UTC, new year in Denmark"],
      ["2024-06-10T12:00:00+02:00", "10.06.2024 12:00", "a Danish offset is shown as written"],
    ]);
  });
  it("leaves text that is not a time visible", () => {
    check(formatDanishDateTime, [
      ["ikke en dato", "ikke en dato", "a broken value must still be readable, not 'Invalid Date'"],
      ["", "", "empty stays empty"],
    ]);
  });
});

describe("formatDanishDate", () => {
  it("turns ISO dates around", () => {
    check(formatDanishDate, [
      ["2023-05-01", "01.05.2023", "SOR status dates are ISO"],
      ["2023-05-01T00:00:00", "01.05.2023", "a date-time keeps only the date"],
      ["01.05.2023", "01.05.2023", "already Danish stays"],
    ]);
  });
});

describe("numbers", () => {
  it("formats scores with a sign and a decimal comma", () => {
    check(formatScore, [
      [12.345, "+12,3", "positive evidence shows a plus"],
      [-2.05, "−2,0", "negative evidence shows a minus sign"],
      [0, "0,0", "zero has no sign"],
    ]);
  });
  it("groups thousands with dots", () => {
    check(formatCount, [
      [5000, "5.000", "Danish thousands separator"],
      [50000, "50.000", "log volumes"],
      [999, "999", "no separator below a thousand"],
      [1234567, "1.234.567", "several groups"],
    ]);
  });
  it("falls back to the code for labels it does not know", () => {
    expect(label(KIND_LABEL, "link"), "known kinds get Danish words").toBe("Kobling");
    expect(label(KIND_LABEL, "merge"), "an unknown kind from a newer core is still shown").toBe("merge");
  });
});

describe("oneLineAddress", () => {
  const base = { street: "Byvej", number: "12", floor: null, door: null, postcode: "1234", city: "Korsbæk" };
  it("writes addresses the Danish way", () => {
    check(oneLineAddress, [
      [base, "Byvej 12, 1234 Korsbæk", "street, number, postcode and town"],
      [{ ...base, floor: "st", door: "th" }, "Byvej 12, st. th, 1234 Korsbæk", "floor gets a dot, door follows"],
      [{ ...base, floor: "2", door: null }, "Byvej 12, 2., 1234 Korsbæk", "floor only"],
      [{ ...base, number: null, postcode: null }, "Byvej, Korsbæk", "missing parts leave no stray spaces"],
    ]);
  });
});

describe("header and counts", () => {
  it("names the municipality", () => {
    expect(municipalityLine("Korsbæk Kommune", "12345678"), "name and CVR").toBe("Korsbæk Kommune (CVR 12345678)");
    expect(municipalityLine(null, null), "a store without a municipality says so").toBe("Ingen kommune valgt");
  });
  it("sums proposal counts over kinds", () => {
    const counts = countsByStatus({ link: { new: 3, approved: 1 }, create: { new: 2 }, delete: { rejected: 4 }, update: undefined });
    expect(counts, "each tab shows the proposals of every kind").toEqual({ new: 5, approved: 1, rejected: 4 });
  });
});
