"""Writes the bundled practice list, phonon_desktop/assets/sample-contacts.xlsx.

About 40 customers with Indian names (some in Devanagari) and the number forms operators
really receive, including a few typical problems the window should point out:
a 9-digit number, a +91 number with spaces, a number stored as a number, a duplicate
customer, a missing number, a call time at night.

Run: python resources/samples/make_sample_list.py
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Font

OUT = Path(__file__).resolve().parents[2] / "phonon_desktop" / "assets" / "sample-contacts.xlsx"

NAMES = [
    "Aarav Sharma", "अभिनंदन पाटील", "Priya Nair", "Rohan Gupta", "सुनीता देवी", "Vikram Singh", "Ananya Iyer",
    "Mohammed Imran", "कविता जोशी", "Arjun Reddy", "Neha Kulkarni", "Siddharth Rao", "राजेश कुमार", "Fatima Shaikh",
    "Karan Mehta", "Pooja Verma", "Harpreet Kaur", "अनिल यादव", "Deepa Menon", "Rahul Desai", "Sneha Pillai",
    "Amitabh Bose", "गीता मिश्रा", "Imran Qureshi", "Lakshmi Narayanan", "Manoj Tiwari", "Divya Bhatt",
    "सौरभ चौधरी", "Ritu Agarwal", "Naveen Chandra", "Shalini Das", "Gaurav Saxena", "मीना कुमारी", "Tanvir Ahmed",
    "Jyoti Patil", "Suresh Babu", "Ayesha Khan", "प्रकाश शर्मा", "Varun Malhotra", "Kiran Hegde",
]
LANGUAGES = ["Hindi", "English", "Marathi", "Tamil", "Telugu", "Kannada", "Bengali", "Gujarati"]


def mobile(i: int) -> object:
    base = f"9{(812345670 + i * 7919) % 1_000_000_000:09d}"
    forms = [base, "+91 " + base[:5] + " " + base[5:], "0" + base, "91" + base, base[:5] + "-" + base[5:]]
    return forms[i % len(forms)]


def main() -> None:
    wb = Workbook()
    ws = wb.active
    ws.title = "Contacts"
    headers = ["Customer ID", "Name", "Mobile", "Alt Mobile", "Language", "Amount Due", "Call At"]
    ws.append(headers)
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for i, name in enumerate(NAMES):
        row = [
            f"CUST-{1001 + i}",
            name,
            mobile(i),
            mobile(i + 17) if i % 3 == 0 else "",
            LANGUAGES[i % len(LANGUAGES)],
            round(1500 + i * 137.5, 2),
            datetime(2030, 12, 2 + i % 5, 10 + i % 8, 30 * (i % 2)),
        ]
        ws.append(row)
    # The typical problems, each on its own row.
    ws["C5"] = "981234567"  # 9 digits: one digit missing
    ws["C8"] = "+91 98201 44556"  # spaces: fine once cleaned
    ws["C11"] = 9876501234  # stored as a number in Excel
    ws["C11"].number_format = "0"
    ws["A15"] = "CUST-1003"  # the same customer twice
    ws["C15"] = ws["C4"].value
    ws["C19"] = None  # no number at all
    ws["D19"] = None
    ws["G23"] = datetime(2030, 12, 3, 22, 15)  # at night: calls must wait for the morning
    for col, width in zip("ABCDEFG", (13, 22, 18, 18, 11, 12, 18)):
        ws.column_dimensions[col].width = width
    for r in range(2, ws.max_row + 1):
        ws[f"G{r}"].number_format = "yyyy-mm-dd hh:mm"
        ws[f"F{r}"].number_format = "#,##0.00"
    OUT.parent.mkdir(parents=True, exist_ok=True)
    wb.save(OUT)
    print(OUT)


if __name__ == "__main__":
    main()
