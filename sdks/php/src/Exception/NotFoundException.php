<?php

declare(strict_types=1);

namespace TempMail\Exception;

/** 404: no such mailbox, message, webhook or domain (also an expired one, or another key's). */
class NotFoundException extends TempMailException
{
}
