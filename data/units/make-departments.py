#!/usr/bin/env python3
"""Writes departments.csv: the six provincial departments that answer the CCHC 2011-2020
review in every province of provinces.csv. Run from anywhere: ./make-departments.py"""
import csv
import pathlib

HERE = pathlib.Path(__file__).resolve().parent

# Keys match the department keys of data/template/cchc-2011-2020.json.
# "{kind}" is "tỉnh" or "thành phố" (the five centrally-run cities); the province in the
# name keeps 63 "Sở Nội vụ" apart in search results and lists.
DEPARTMENTS = [
    ("VP", "Văn phòng Đoàn ĐBQH, HĐND và UBND {kind} {place}", "Văn phòng"),
    ("STP", "Sở Tư pháp {kind} {place}", "Sở"),
    ("SNV", "Sở Nội vụ {kind} {place}", "Sở"),
    ("STC", "Sở Tài chính {kind} {place}", "Sở"),
    ("STTTT", "Sở Thông tin và Truyền thông {kind} {place}", "Sở"),
    ("SKHCN", "Sở Khoa học và Công nghệ {kind} {place}", "Sở"),
]


def province_parts(name, type_):
    """("Tỉnh Tây Ninh", "Tỉnh") -> ("tỉnh", "Tây Ninh")."""
    kind = "thành phố" if type_ == "Thành phố Trung ương" else "tỉnh"
    prefix = "Thành phố " if kind == "thành phố" else "Tỉnh "
    if not name.startswith(prefix):
        raise SystemExit(f"unexpected province name {name!r} for type {type_!r}")
    return kind, name[len(prefix):]


def main():
    with open(HERE / "provinces.csv", newline="", encoding="utf-8") as f:
        provinces = list(csv.DictReader(f))
    with open(HERE / "departments.csv", "w", newline="", encoding="utf-8") as f:
        out = csv.writer(f, lineterminator="\n")
        out.writerow(["code", "name", "type", "province_code"])
        for p in provinces:
            kind, short = province_parts(p["name"], p["type"])
            for key, name, type_ in DEPARTMENTS:
                full = name.format(kind=kind, place=short)
                out.writerow([f"{p['code']}-{key}", full, type_, p["code"]])


if __name__ == "__main__":
    main()
