"""The risk pages, by subject: the register, its treatment plans, its files,
the methodology and the AI system impact assessments."""
