"""Forms generated from the data (issue 13): 0402.03, 0402.06, 0402.08 and 0402.11 gathered into
frozen data (`gather`), drawn as PDF with reportlab (`render_*`), downloaded and confirmed by the
team leader (`generated`, `signoffs`)."""
