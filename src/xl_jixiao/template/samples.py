def generate_samples(*a, **k):
    raise NotImplementedError
