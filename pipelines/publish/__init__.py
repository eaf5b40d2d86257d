"""The build -> what analysts read: the published file and its generations, the lake, the report."""
