"""The read compiler (issue 17): covered query documents answered by one SQL statement that
builds the response JSON in the database; the rest by the ordinary executor."""
